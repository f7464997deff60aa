// `snapinfo learn`: one training run of a snapshot (hosted). restore runs
// NAME (with --no-learned, so the run shows what the job itself touches)
// as a child of this process, traced only to stop it at its exit
// (PTRACE_O_TRACEEXIT: the stop comes in do_exit before exit_mm, so the
// instance's memory is still there); at that stop /proc/PID/maps and
// /proc/PID/pagemap say which of the snapshot's pages the instance has:
//   present, not a file page, mapped only here (bits 63, !61, 56): a page it
//     wrote (a MAP_PRIVATE page's copy-on-write copy is anonymous memory;
//     the shared zero page is not "exclusively mapped");
//   swapped (bit 62), not a file page: written too;
//   present, a file page (bit 61): a page of NAME.pages or of the backing
//     file it only read.
// Soft-dirty (bit 55) would say "written since" too, but does not work on
// this project's kernel (6.18); the bits above do. Pages of a VMA that is
// no longer the snapshot's (another file mapped over it) are left out.
#pragma once

#include <string>
#include <vector>

#include "snapfs/learned_info.h"
#include "snapfs/snapshot_file.h"

namespace snappy {

struct TrainingRun {
  LearnedSet set;
  int exit_status = 0;  // the job's exit code
};

// Runs `restore_path --no-learned [restore_options] NAME [invocation...]`
// with this process's stdin, stdout and stderr, and learns from its exit.
// Throws SnapshotError when the run cannot be learned from: restore
// refused, the job was killed by a signal, nothing of the snapshot was
// touched.
TrainingRun train(const SnapshotFile& snapshot, const std::string& restore_path,
                  const std::vector<std::string>& restore_options, const std::vector<std::string>& invocation);

}  // namespace snappy
