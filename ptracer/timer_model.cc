#include "ptracer/timer_model.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "ptracer/memory_capture.h"
#include "ptracer/proc_files.h"

namespace snappy {

using namespace format;

namespace {

constexpr uint64_t kNsPerSec = 1000000000;
constexpr int kTimerAbstime = 1;  // TIMER_ABSTIME
// Far enough in the future never to come (292 years), small enough that
// adding a clock value cannot overflow.
constexpr uint64_t kNever = uint64_t{1} << 63;

// A struct timespec as nanoseconds, saturating at kNever.
uint64_t timespec_ns(int64_t sec, int64_t nsec) {
  if (sec < 0 || nsec < 0) return 0;
  if (uint64_t(sec) >= kNever / kNsPerSec) return kNever;
  return uint64_t(sec) * kNsPerSec + uint64_t(nsec);
}

pid_t tgid_of(pid_t tid) {
  std::istringstream in(read_text(proc_path(tid, "status")));
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("Tgid:")) return static_cast<pid_t>(std::strtol(line.c_str() + 5, nullptr, 10));
  }
  return tid;
}

// Now on a timer's clock, as the recorded process sees it: the system
// clocks are the tracer's too (one time namespace: the tracee is our
// child); the process CPU clock is read as the tracee's own,
// MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED) (include/linux/posix-timers.h).
uint64_t clock_now(int32_t clock, pid_t pid) {
  clockid_t id = clock;
  if (is_process_cpu_clock(clock)) {
    uint32_t which = clock == kClockProcessCputime ? 2 : uint32_t(clock) & 3;
    id = static_cast<clockid_t>((~uint32_t(pid) << 3) | which);
  }
  timespec ts{};
  if (clock_gettime(id, &ts) != 0) {
    throw CaptureError("cannot read clock " + std::to_string(clock) + " of the recorded process: " +
                       std::strerror(errno));
  }
  return timespec_ns(ts.tv_sec, ts.tv_nsec);
}

std::string clock_refusal(int32_t clock) {
  if (clock == 3) return "timer_create on a thread's CPU-time clock (CLOCK_THREAD_CPUTIME_ID)";
  if (clock == 8 || clock == 9) return "timer_create on an alarm clock (CLOCK_*_ALARM)";
  if (clock < 0 && (clock & 7) == 3) return "timer_create on a dynamic clock (an fd's)";
  if (clock < 0) {
    // CPUCLOCK_PID(clock) = ~(clock >> 3); bit 2: a thread's clock.
    pid_t who = static_cast<pid_t>(~(clock >> 3));
    if (who == 0 && (clock & 4)) return "timer_create on a thread's CPU-time clock (CLOCK_THREAD_CPUTIME_ID)";
    return std::string("timer_create on the CPU-time clock of ") + ((clock & 4) ? "thread " : "process ") +
           std::to_string(who) + " (an id a restored instance does not have)";
  }
  return "timer_create on clock " + std::to_string(clock);
}

}  // namespace

uint64_t timer_remaining(uint64_t expiry_ns, uint64_t interval_ns, uint64_t now_ns) {
  if (expiry_ns == 0) return 0;
  if (expiry_ns > now_ns) return expiry_ns - now_ns;
  if (interval_ns == 0) return 0;
  uint64_t periods = (now_ns - expiry_ns) / interval_ns + 1;
  return expiry_ns + periods * interval_ns - now_ns;
}

std::optional<std::string> TimerModel::create_entry(const Tracee& tracee, const SyscallArgs& call) const {
  int32_t clock = static_cast<int32_t>(call.args[0]);
  if (!is_timer_clock(clock)) return clock_refusal(clock);
  // Capture reads the live timers from /proc/PID/timers, which only a
  // kernel with CONFIG_CHECKPOINT_RESTORE has: without it the timer
  // could not be held.
  if (access(proc_path(tracee.tid(), "timers").c_str(), R_OK) != 0) {
    return std::string("timer_create on a kernel without /proc/PID/timers (CONFIG_CHECKPOINT_RESTORE)");
  }
  return std::nullopt;
}

void TimerModel::create_exit(const Tracee& tracee, const SyscallArgs& call) {
  // timer_create's timer_t *timerid: the kernel's timer_t is an int.
  int32_t id = tracee.read(call.ptr<int32_t>(2));
  timers_[id] = Timer{static_cast<int32_t>(call.args[0]), 0, 0};
  // Ids come in increasing order (the kernel wraps at INT_MAX, which no
  // startup reaches).
  if (id >= next_id_ && id < INT32_MAX) next_id_ = id + 1;
}

void TimerModel::settime_exit(const Tracee& tracee, const SyscallArgs& call) {
  auto it = timers_.find(static_cast<int32_t>(call.args[0]));
  if (it == timers_.end()) return;  // cannot succeed; capture cross-checks
  // glibc's struct itimerspec is the kernel's __kernel_itimerspec on
  // x86-64 (include/uapi/linux/time_types.h): two 64-bit timespecs.
  static_assert(sizeof(itimerspec) == 32 && offsetof(itimerspec, it_value) == 16);
  itimerspec spec = tracee.read(call.ptr<itimerspec>(2));
  Timer& t = it->second;
  uint64_t value = timespec_ns(spec.it_value.tv_sec, spec.it_value.tv_nsec);
  if (value == 0) {
    t.expiry_ns = t.interval_ns = 0;  // disarmed, whatever the interval
    return;
  }
  t.interval_ns = timespec_ns(spec.it_interval.tv_sec, spec.it_interval.tv_nsec);
  if (call.args[1] & kTimerAbstime) {
    t.expiry_ns = value;
  } else {
    // Only a CPU clock needs the process (and /proc read to find it).
    pid_t pid = is_process_cpu_clock(t.clock) ? tgid_of(tracee.tid()) : 0;
    t.expiry_ns = std::min(clock_now(t.clock, pid) + value, kNever);
  }
}

std::vector<ProcTimer> parse_proc_timers(const std::string& text) {
  std::vector<ProcTimer> out;
  std::istringstream in(text);
  std::string line;
  auto bad = [&] { return CaptureError("cannot read /proc/PID/timers line '" + line + "'"); };
  while (std::getline(in, line)) {
    const char* s = line.c_str();
    char* end = nullptr;
    if (line.starts_with("ID:")) {
      out.emplace_back();
      out.back().id = static_cast<int32_t>(std::strtol(s + 3, &end, 10));
      continue;
    }
    if (out.empty()) throw bad();
    ProcTimer& t = out.back();
    if (line.starts_with("signal:")) {
      t.signo = static_cast<uint32_t>(std::strtoul(s + 7, &end, 10));
      if (*end != '/') throw bad();
      t.value = std::strtoull(end + 1, &end, 16);
    } else if (line.starts_with("notify:")) {
      std::string rest = line.substr(line.find_first_not_of(' ', 7));
      size_t slash = rest.find('/');
      if (slash == std::string::npos || rest.size() < slash + 5) throw bad();
      std::string kind = rest.substr(0, slash), whom = rest.substr(slash + 1, 4);
      t.notify = kind == "signal" ? kSigevSignal : kind == "none" ? kSigevNone : kind == "thread" ? kSigevThread : 99;
      if (t.notify == 99 || (whom != "pid." && whom != "tid.")) throw bad();
      if (whom == "tid.") t.notify |= kSigevThreadId;
      t.target = static_cast<pid_t>(std::strtol(rest.c_str() + slash + 5, nullptr, 10));
    } else if (line.starts_with("ClockID:")) {
      t.clock = static_cast<int32_t>(std::strtol(s + 8, &end, 10));
    } else if (!line.empty()) {
      throw bad();
    }
  }
  return out;
}

std::vector<TimerRecord> TimerModel::capture(pid_t pid, const std::vector<pid_t>& threads) const {
  // A process starts without timers (exec deletes them) and every one it
  // makes is modelled: none seen, none there (and /proc/PID/timers, which
  // not every kernel has, is not needed).
  if (timers_.empty()) return {};
  std::vector<ProcTimer> live = parse_proc_timers(read_text(proc_path(pid, "timers")));
  std::sort(live.begin(), live.end(), [](const ProcTimer& a, const ProcTimer& b) { return a.id < b.id; });
  if (live.size() > kMaxTimers) throw CaptureError("more than " + std::to_string(kMaxTimers) + " POSIX timers");
  std::vector<TimerRecord> out;
  for (const ProcTimer& p : live) {
    std::string name = "timer " + std::to_string(p.id);
    auto it = timers_.find(p.id);
    if (it == timers_.end() || it->second.clock != p.clock) {
      throw CaptureError(name + " was not created through the model");
    }
    TimerRecord r{};
    r.id = p.id;
    r.clock = p.clock;
    r.notify = p.notify;
    r.signo = p.signo;
    r.value = p.value;
    if (p.notify & kSigevThreadId) {
      auto at = std::find(threads.begin(), threads.end(), p.target);
      if (at != threads.end()) {
        r.thread = static_cast<uint32_t>(at - threads.begin());
      } else if (access(proc_path(pid, "task/" + std::to_string(p.target)).c_str(), F_OK) != 0) {
        // Its thread has exited: the timer lives on (timers belong to the
        // process) but its signals reach no one, which the program can
        // tell from a SIGEV_NONE timer only in /proc. Held as one.
        r.notify = kSigevNone;
      } else {
        throw CaptureError(name + " signals thread " + std::to_string(p.target) + ", which is not in the snapshot");
      }
    }
    const Timer& t = it->second;
    r.remaining_ns = timer_remaining(t.expiry_ns, t.interval_ns, t.expiry_ns ? clock_now(t.clock, pid) : 0);
    r.interval_ns = r.remaining_ns ? t.interval_ns : 0;
    out.push_back(r);
  }
  return out;
}

}  // namespace snappy
