// At the snapshot point, before the program's other threads are stopped:
// whether they have finished what they were doing and gone to sleep.
//
// A runtime's helper threads work on their own while the main thread
// reaches the marker: a JIT compiler thread in the middle of a compile, a
// GC worker. Stopped there, every restored instance inherits the half-done
// work and does the rest again (a JVM whose C2 thread was caught in
// PhaseChaitin::Register_Allocate restored in 22-25 ms a time, against
// 12-14 ms for one recorded with every helper asleep: the rest of the
// compile, then the JVM's exit waiting for the compiler in 10 ms steps).
// So the recorder keeps the thread that reached the snapshot point in its
// stop and serves the others' stops as before, for a bounded time, until
// this says they all sleep (Session::let_other_threads_settle); the
// program runs as a cold run whose main thread is slow would.
#pragma once

#include <sys/types.h>

#include <set>

namespace snappy {

// Whether every thread of `threads` but those in `skip` is asleep: State S
// in /proc/PID/task/TID/stat (blocked in a futex, poll, read, sleep), or
// gone. A thread running, runnable, or in a ptrace stop with an event for
// the recorder is not.
bool threads_asleep(pid_t leader, const std::set<pid_t>& threads, const std::set<pid_t>& skip);

}  // namespace snappy
