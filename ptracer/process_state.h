// The part of a ProcessRecord that ptracer's capture and snap's read alike
// from /proc and the kernel: the working directory, auxv, the kernel
// release, comm and the 16 resource limits.
#pragma once

#include <sys/types.h>

#include "common/snapshot_format.h"
#include "common/snapshot_writer.h"

namespace snappy {

enum class Missing {
  kRefuse,  // ptracer: what restore needs must be there (CaptureError)
  kLack,    // snap: a live snapshot lacks it ("/" for the cwd, no auxv, a limit left 0)
};

// Fills p.cwd, p.auxv, p.kernel_release, p.comm and p.rlimits, in that
// order of strings and blobs.
void read_process_state(pid_t pid, Missing missing, format::ProcessRecord& p, Snapshot& s);

}  // namespace snappy
