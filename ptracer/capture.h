// At the trigger: everything the snapshot holds, read from the stopped
// tracee (registers, XSAVE state, signal mask, rseq, robust list, /proc
// maps, memory, fds, mm layout) and the SyscallModel, then written as
// NAME.pages + NAME.info (temporary names, fsync, rename: pages first).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/snapshot_format.h"
#include "ptracer/record_stats.h"
#include "ptracer/syscall_model.h"
#include "ptracer/thread_stop.h"
#include "ptracer/tracee.h"

namespace snappy {

struct CaptureRequest {
  std::string output;  // NAME
  std::string program;  // the file loaded (RecordOptions::program)
  std::vector<std::string> argv;
  std::vector<std::string> envp;
  format::TriggerKind kind;
  bool no_vdso = false;
  bool replay_output = true;
  std::vector<std::string> may_change;  // FileTable's policy
  PhaseClock* phases = nullptr;         // laps of the capture's phases, if wanted
  // Called once capture has read everything it reads of the program (its
  // memory last) and the backing files' hashes are in, before the files
  // are synced and renamed: the recorder kills the program there, so that
  // it dies while they are synced. Not called if capture fails before.
  std::function<void()> program_read;
};

struct CaptureResult {
  uint64_t mappings = 0;
  uint64_t bytes_stored = 0;
  uint64_t pages_size = 0;
  uint64_t info_size = 0;
};

// `trigger` is the thread stopped at the snapshot point (its syscall's
// entry); `others` every other thread of process `pid`, stopped
// (ptracer/thread_stop.h).
CaptureResult capture_snapshot(pid_t pid, const Tracee& trigger, const std::vector<StoppedThread>& others,
                               const SyscallModel& model, const CaptureRequest& request);

}  // namespace snappy
