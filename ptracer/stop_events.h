// What can happen to a live target behind snap's back (ptracer/live_capture.h),
// and what snap does about it: the target exec'ing (its memory is another
// program's from then on, the injection gadget gone), a target snap cannot
// seize (a zombie, another tracer), and signals arriving while one thread
// runs an injected system call.
//
// An exec is seen three ways: a seized thread reports PTRACE_EVENT_EXEC
// (every thread is seized with PTRACE_O_TRACEEXEC); a thread not seized
// yet, or the whole process while detached for the copy, exec'd, which
// replaced the mm (exec_image differs); or, last line, a fault at the
// injection gadget (the address belonged to the old image). Then snap
// gives the target up: nothing stored for it, every thread detached (the
// new program runs on), "PID: exec'd during the snapshot".
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace snappy {

// The target exec'd while snap held it.
struct ExecDuringSnapshot : std::runtime_error {
  ExecDuringSnapshot() : std::runtime_error("exec'd during the snapshot") {}
};

// What tells one exec of a process from the next: its auxv and the mm
// layout of /proc/PID/stat (both new on every exec, though equal for the
// same program without ASLR), and the 16 random bytes the kernel puts at
// AT_RANDOM on every exec (read through /proc/PID/mem when allowed, else
// empty). Empty `layout`: the process is gone.
struct ExecImage {
  std::string layout;
  std::string random;
};
ExecImage exec_image(pid_t pid);
// False when they are two execs (or the process is gone).
bool same_image(const ExecImage& before, const ExecImage& now);
// True if `pid` runs (not a zombie) but is no longer `image`: it exec'd.
bool exec_since(pid_t pid, const ExecImage& image);

// Why PTRACE_SEIZE of `tid` would fail, from /proc/TID/status: "a zombie
// (exited, not yet reaped by its parent)", "already traced by process N
// (COMM)", "its main thread has exited ..." (a zombie leader for 100 ms:
// not one an exec in another thread makes for a moment); "" if none.
// `exited`, if given, is set for a zombie or a task gone.
std::string seize_obstacle(pid_t tid, bool* exited = nullptr);

// At most this many signal-delivery-stops during one injected system call.
constexpr size_t kMaxInjectionSignals = 16;

// At a signal-delivery-stop of `tid` (signal `sig`) while it runs an
// injected system call at `gadget`: adds `sig` to `signals` (suppressed
// now, given back at detach). Throws std::runtime_error if the signal is a
// fault of the injected instruction itself (the gadget is gone: never to
// be resumed, it would fault forever) or the kMaxInjectionSignals-th.
void note_injection_signal(pid_t tid, int sig, uint64_t gadget, std::vector<int>& signals);

// An exec kills every other thread, and then waits, holding the lock
// PTRACE_SEIZE takes (cred_guard_mutex), until each dead thread's tracer
// has reaped it. A tracer that meanwhile seizes another thread, or waits
// for one, waits for the exec: a deadlock no signal ends. While a
// DeadThreadReaper lives, a timer (SIGALRM every 2 ms) reaps the dead
// threads of `pid` this process traces, so the exec and the seize go on.
class DeadThreadReaper {
 public:
  explicit DeadThreadReaper(pid_t pid);
  ~DeadThreadReaper();
  DeadThreadReaper(const DeadThreadReaper&) = delete;
  DeadThreadReaper& operator=(const DeadThreadReaper&) = delete;
};

// After PTRACE_DETACH of `tid` failed: a thread an exec killed under us
// (woken from its ptrace-stop) is reaped as soon as it is dead (within
// 100 ms), one in a ptrace-stop after all is detached.
void reap_or_detach(pid_t tid);

// After an exec: detaches every thread of `pid` still traced by this
// process (the exec'ing thread may have been seized under another tid and
// stops only now) and reaps its traced dead threads, within about a
// second.
void detach_after_exec(pid_t pid);

}  // namespace snappy
