// Seizing every thread of a live process for snap, and giving it back:
// the Attachment (PTRACE_SEIZE + PTRACE_INTERRUPT until no new thread
// appears, PTRACE_DETACH on every way out) and the end of the frozen copy
// (killed, its zombie reaped from inside the target). docs/DESIGN.md, "Live
// processes (snap)".
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>

#include "ptracer/live_capture.h"
#include "ptracer/stop_events.h"

namespace snappy {

// The monotonic clock, in ns.
uint64_t now_ns();
// Whether `pid` exists (a process of another user's too).
bool process_exists(pid_t pid);

struct Stopped {
  int pending_signal = 0;  // a signal-delivery-stop's signal, given back at detach
  bool event_stop = false; // PTRACE_EVENT_STOP (not a signal-delivery-stop)
};

// Every thread of one process, seized and stopped; detached on destruction.
class Attachment {
 public:
  explicit Attachment(pid_t pid) : pid_(pid) {}
  ~Attachment() { detach_all(); }
  Attachment(const Attachment&) = delete;
  Attachment& operator=(const Attachment&) = delete;

  // Seizes and interrupts until no new thread appears; throws LiveError.
  void stop_all();
  // Detaches every thread, giving back its pending signal; a thread that
  // died meanwhile (an exec in another thread kills them) is reaped.
  void detach_all();
  std::map<pid_t, Stopped>& threads() { return threads_; }
  uint64_t first_interrupt_ns() const { return first_interrupt_ns_; }

 private:
  pid_t pid_;
  std::map<pid_t, Stopped> threads_;
  uint64_t first_interrupt_ns_ = 0;
};

// Kills the frozen copy `child` of `pid` and reaps it. The zombie belongs to
// the target (exit signal 0: no SIGCHLD), so it is reaped from inside with
// an injected wait4(child, 0, __WALL) in `inject_tid` (or the leader): a
// second pause of one thread for one system call. Returns false if the
// zombie had to be left to the target, with `why` when a failure says why.
// Called with the target detached.
// If the target is no longer `image` (it exec'd while detached), sets
// `exec_seen` and reaps with a `syscall` of the new program's, never the
// old image's `gadget`, retrying for a while (an exec in progress refuses
// the seize, or kills the seized thread).
bool end_frozen_copy(pid_t pid, pid_t child, pid_t inject_tid, uint64_t gadget, const ExecImage& image,
                     bool& exec_seen, std::string& why);

}  // namespace snappy
