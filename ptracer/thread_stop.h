// The recorded program's threads. ptracer follows clone with
// PTRACE_O_TRACECLONE, so every thread is traced from its first
// instruction; at the snapshot point all of them are stopped where they
// are, in user code or blocked in a system call, and their registers are
// kept as they must resume.
#pragma once

#include <sys/types.h>
#include <sys/user.h>

#include <map>
#include <set>
#include <vector>

#include "ptracer/syscall_model.h"

namespace snappy {

struct StoppedThread {
  pid_t tid;
  user_regs_struct regs;  // to resume with (an interrupted call rewound)
};

// At a PTRACE_EVENT_CLONE stop of `parent`: the new task, which must be a
// thread of `leader`'s process (a process made behind the filter's back,
// say by clone3 arguments changed between the tracer's check and the
// kernel's read, throws).
pid_t cloned_thread(pid_t parent, pid_t leader);

// Stops every thread in `threads` but `trigger` (which is in a ptrace-stop
// already) and returns them, leader first. Stops met on the way are
// handled as the recorder would: a modelled call's exit goes to `model`, a
// new thread joins `threads` (and is stopped too), an exited one leaves, a
// signal for the program is delivered. A thread at a syscall entry is
// rewound to make the call after restore; one interrupted in a blocking
// call re-enters it. `held` are in their stops already (at a snapshot point
// of their own, their registers rewound): not signalled, returned as they
// are. The threads stay in their stops.
std::vector<StoppedThread> stop_other_threads(pid_t leader, pid_t trigger, std::set<pid_t>& threads,
                                              SyscallModel& model,
                                              const std::map<pid_t, user_regs_struct>& held = {});

}  // namespace snappy
