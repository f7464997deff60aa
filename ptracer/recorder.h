// Records a program's startup: runs it under ptrace through elf_loader with
// the seccomp filter of common/syscall_table.h, keeps the SyscallModel up to
// date, and at the first syscall outside the model (or the --at point, or
// the checkpoint marker) writes the snapshot and kills the program. The
// program's exit_group is such a syscall: a program that reaches no other
// point is snapshotted at its end; only a death by signal (or a last
// thread's exit(2)) ends a recording without a snapshot.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/syscall_table.h"

namespace snappy {

struct RecordOptions {
  std::string output = "snapshot";  // NAME: writes NAME.info, NAME.pages
  std::string loader;               // path of elf_loader
  std::string program;              // the file loaded: PROG found in PATH (or its #! interpreter)
  std::string script;               // a #! script's path as found (AT_EXECFN, comm); "" for an ELF
  std::vector<std::string> argv;    // the program's argv: PROG as given (an ELF) or as the kernel
                                    // rewrites a #! script's, and the arguments
  std::optional<AtPoint> at;
  bool no_vdso = false;
  bool replay_output = true;
  bool verbose = false;
  // How long the program's other threads get to go to sleep at the
  // snapshot point (ptracer/thread_quiesce.h); --quiesce MS, 0: stopped
  // where they are.
  std::chrono::milliseconds quiesce{200};
  bool pin_cpu = true;  // ptracer and the program on one CPU (ptracer/cpu_pinning.h); --no-pin
  bool stats = false;  // --stats: stops by syscall and phase times (ptracer/record_stats.h)
  std::vector<std::string> may_change;  // --may-change PATH
};

// Thrown when recording cannot produce a snapshot; `exit_code` is what
// ptracer exits with.
struct RecordError : std::runtime_error {
  RecordError(const std::string& what, int code) : std::runtime_error(what), exit_code(code) {}
  int exit_code;
};

// Returns normally once the snapshot is written; prints the summary line.
void record(const RecordOptions& options);

}  // namespace snappy
