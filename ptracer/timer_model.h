// The POSIX timers of the recorded process (timer_create, timer_settime,
// timer_delete), as far as the kernel cannot tell them afterwards.
//
// Which timers are live, and each one's clock and notification (signal,
// sigev_value, target thread), are read from /proc/PID/timers at capture
// (fs/proc/base.c show_timer: "ID:", "signal: SIGNO/VALUE", "notify:
// KIND/pid.N|tid.N", "ClockID:"). What /proc does not show is when a timer
// expires next; asking would mean injecting timer_gettime into the stopped
// tracee. The model keeps it instead: every timer_settime is seen at its
// exit, and the expiry it set is an absolute time on the timer's clock
// (the arming call's value plus the clock as read at that exit, or the
// value itself with TIMER_ABSTIME). At capture the time left is computed
// as the kernel's timer_gettime does, stepping an interval timer past
// expiries that happened. The arming is seen up to one ptrace stop (tens
// of microseconds) after the kernel read its clock, so the expiry recorded
// is at most that much late.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/snapshot_format.h"
#include "ptracer/tracee.h"

namespace snappy {

class TimerModel {
 public:
  // timer_create's entry: empty if the model can hold the timer, else why
  // not (for the trigger's summary line).
  std::optional<std::string> create_entry(const Tracee& tracee, const SyscallArgs& call) const;
  // A successful timer_create: the new id, written at *arg2.
  void create_exit(const Tracee& tracee, const SyscallArgs& call);
  // A successful timer_settime.
  void settime_exit(const Tracee& tracee, const SyscallArgs& call);
  // A successful timer_delete.
  void delete_exit(const SyscallArgs& call) { timers_.erase(static_cast<int32_t>(call.args[0])); }

  // The live timers of process `pid` at the snapshot point, sorted by id,
  // each signalling thread `threads[i]` as index i. Throws CaptureError
  // when /proc/PID/timers lists a timer the model did not see or one that
  // signals a thread outside the snapshot.
  std::vector<format::TimerRecord> capture(pid_t pid, const std::vector<pid_t>& threads) const;
  // One past the highest id timer_create gave (format::ProcessRecord).
  int32_t next_id() const { return next_id_; }

 private:
  struct Timer {
    int32_t clock = 0;
    uint64_t expiry_ns = 0;  // on `clock`; 0: disarmed
    uint64_t interval_ns = 0;
  };
  std::map<int32_t, Timer> timers_;
  int32_t next_id_ = 0;
};

// The time left until `expiry_ns` at `now_ns` for a timer with
// `interval_ns`, as timer_gettime reports it: 0 once a one-shot timer has
// expired, the time to the next period for an interval timer.
uint64_t timer_remaining(uint64_t expiry_ns, uint64_t interval_ns, uint64_t now_ns);

// The fields of one /proc/PID/timers entry.
struct ProcTimer {
  int32_t id = 0;
  uint32_t signo = 0;
  uint64_t value = 0;
  uint32_t notify = 0;  // format::kSigev*
  pid_t target = 0;     // the pid or tid after "pid." / "tid."
  int32_t clock = 0;
};
// Parses /proc/PID/timers text; throws CaptureError on a line it cannot read.
std::vector<ProcTimer> parse_proc_timers(const std::string& text);

}  // namespace snappy
