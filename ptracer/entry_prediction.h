// Which modelled calls the tracer may apply at their seccomp entry stop,
// predicting success, instead of stopping the thread a second time at the
// syscall's exit to read the result (SyscallModel's Decision::kApplied).
// Every ptrace stop costs two context switches each way, and on this
// project's paravirtualised machines that is most of what recording
// costs over a cold run (ptracer --stats; docs/DESIGN.md, "Recording").
//
// A prediction is made only where the result is known from the arguments
// and the model: the address a MAP_FIXED mmap returns is its argument, and
// munmap and mprotect return 0. It is made only where the call's failure
// modes (mm/mmap.c do_mmap, mm/mprotect.c do_mprotect_pkey, mm/vma.c
// do_vmi_munmap, Linux 6.x) are ruled out by the arguments and the model:
// alignment, length, flags, holes, shared and executable memory. What is
// left is ENOMEM from vm.max_map_count, RLIMIT_AS / RLIMIT_DATA or strict
// overcommit. If such a call fails all the same, the model holds a change
// the kernel did not make, and capture's cross-check of every
// /proc/PID/maps entry against the model refuses the snapshot ("mapping
// not explained by the syscall model"): a refusal, never a wrong snapshot,
// since the pages and layout stored come from /proc, not from the model.
#pragma once

#include "ptracer/mapping_model.h"
#include "ptracer/tracee.h"

namespace snappy {

// mprotect(addr, len, prot): addr page-aligned, len > 0 without overflow,
// prot only PROT_READ | PROT_WRITE (no PROT_EXEC: noexec mounts, LSMs and
// systemd's MemoryDenyWriteExecute refuse it; no PROT_GROWSDOWN/UP), the
// range mapped without a hole by private regions (a shared file mapping
// refuses PROT_WRITE when its fd was opened read-only).
bool mprotect_predicted(const MappingModel& model, const SyscallArgs& call);

// munmap(addr, len): addr page-aligned, len > 0, the range below the top
// of user space (holes are fine: munmap of nothing succeeds).
bool munmap_predicted(const SyscallArgs& call);

// mmap with MAP_FIXED (not MAP_FIXED_NOREPLACE, which fails where memory is
// mapped), addr page-aligned, len > 0, offset page-aligned, PROT_EXEC only
// for a file and without PROT_WRITE (a noexec mount refuses it: then the
// cross-check refuses the snapshot), none of MAP_HUGETLB, MAP_LOCKED, MAP_GROWSDOWN, MAP_SYNC and no unknown
// flag; private anonymous, or an fd the model knows as a file the program
// opened (`open_file`: ld.so's segments of a library it opened read-only)
// and not shared writable (a trigger anyway).
bool fixed_mmap_predicted(const SyscallArgs& call, bool open_file);

}  // namespace snappy
