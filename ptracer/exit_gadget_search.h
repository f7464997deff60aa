// Finds the two code sequences restore borrows to leave nothing of itself
// behind (common/exit_gadgets.h; docs/DESIGN.md, "restore unmaps itself")
// in a recorded program's executable mappings.
#pragma once

#include <vector>

#include "common/snapshot_format.h"
#include "ptracer/proc_maps.h"
#include "ptracer/tracee.h"

namespace snappy {

// Sets p.syscall_gadget and p.sigreturn_gadget to the first of each in
// mappings that exist in every restored instance: the vDSO (unless
// `no_vdso` hides it) and the program's executable files, the vDSO and libc
// first (where they usually are), the rest if need be. Both 0 if either is
// missing (one without the other is no use).
//
// Each mapping is read in chunks, and the search stops as soon as both are
// found: glibc's __restore_rt lies ~90 KiB into libc's 1.4 MB of text, and
// reading and scanning all of it took 2 ms of every recording.
void find_exit_gadgets(const Tracee& tracee, const std::vector<ProcMapsEntry>& mappings, bool no_vdso,
                       format::ProcessRecord& p);

}  // namespace snappy
