// The smaps VmFlags mnemonics (proc(5); fs/proc/task_mmu.c
// show_smap_vma_flags) of the format::MappingFlags bits that come from
// them: ptracer and snap parse VmFlags with this table
// (ptracer/vm_flags.cc), snapinfo and snapfs print the words back from it,
// so a snapshot shows the words the recorded process had.
//
// Compiles hosted and freestanding (data only).
#pragma once

#include <stdint.h>

#include "common/snapshot_format.h"

namespace snappy::format {

struct MappingFlagWord {
  char name[3];  // two letters and a NUL
  uint32_t bit;  // MappingFlags
};

// In the kernel's printing order.
inline constexpr MappingFlagWord kMappingFlagWords[] = {
    {"gd", kMappingGrowsDown},    // VM_GROWSDOWN
    {"lo", kMappingLocked},       // VM_LOCKED
    {"sr", kMappingSequential},   // VM_SEQ_READ
    {"rr", kMappingRandom},       // VM_RAND_READ
    {"dc", kMappingDontFork},     // VM_DONTCOPY
    {"nr", kMappingNoReserve},    // VM_NORESERVE
    {"dd", kMappingDontDump},     // VM_DONTDUMP
    {"wf", kMappingWipeOnFork},   // VM_WIPEONFORK
    {"hg", kMappingHugePage},     // VM_HUGEPAGE
    {"nh", kMappingNoHugePage},   // VM_NOHUGEPAGE
    {"mg", kMappingMergeable},    // VM_MERGEABLE
    {"lf", kMappingLockOnFault},  // VM_LOCKONFAULT (Linux 4.4)
    {"dp", kMappingDroppable},    // VM_DROPPABLE (Linux 6.11, 64-bit only)
};

}  // namespace snappy::format
