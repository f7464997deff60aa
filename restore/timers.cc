// The program's POSIX timers (format::TimerRecord), recreated in each
// instance as CRIU does: with the ids the program holds, on their clocks,
// signalling as recorded, armed with the time that was left.
//
// An id is chosen with prctl(PR_TIMER_CREATE_RESTORE_IDS, ON) (Linux 6.15,
// kernel/time/posix-timers.c): while it is on, timer_create reads the id
// wanted from *created_timer_id and fails with EBUSY if it is taken. The
// switch is the whole process's, so no program thread may run while it is
// on (its own timer_create would read a garbage id): the other threads wait
// at restore's gate until every timer exists (threads.cc). A new process
// has no timers (exec deletes them, fork does not inherit them), so every
// recorded id is free. Without the prctl no id can be chosen: restore
// refuses before the irreversible step rather than hand out other ids.
#include "common/raw_syscall.h"
#include "restore/restorer.h"

namespace snappy::restorer {

namespace {

constexpr uint64_t kNsPerSec = 1000000000;

const TimerRecord& timer_record(uint32_t i) { return g.view.timer(g.process->first_timer + i); }

[[noreturn]] void die_timer(const TimerRecord& t, const char* doing, long err) {
  Text what;
  die_errno(what.add("timer ").number(uint64_t(uint32_t(t.id))).add(": ").add(doing).c_str(), err);
}

sys::Timespec to_timespec(uint64_t ns) { return {int64_t(ns / kNsPerSec), int64_t(ns % kNsPerSec)}; }

}  // namespace

void check_timers() {
  if (g.process->timer_count == 0) return;
  long mode = sys::prctl(sys::kPrTimerCreateRestoreIds, sys::kRestoreIdsGet, 0, 0, 0);
  if (sys::is_error(mode)) {
    die("POSIX timers", "this kernel cannot recreate a timer with its recorded id "
                        "(prctl PR_TIMER_CREATE_RESTORE_IDS needs Linux 6.15)");
  }
}

void make_timers(const int32_t* tids) {
  uint32_t n = g.process->timer_count;
  int32_t next = g.process->next_timer_id;
  if (next == 0) return;  // it made none: a new process's ids start at 0
  // With no live timer only the next id is at stake: an older kernel
  // (checked by check_timers when there are timers) leaves it at 0.
  if (n == 0 && sys::is_error(sys::prctl(sys::kPrTimerCreateRestoreIds, sys::kRestoreIdsGet, 0, 0, 0))) return;
  check(sys::prctl(sys::kPrTimerCreateRestoreIds, sys::kRestoreIdsOn, 0, 0, 0), "choosing timer ids (PR_TIMER_CREATE_RESTORE_IDS)");
  for (uint32_t i = 0; i < n; ++i) {
    const TimerRecord& t = timer_record(i);
    sys::KernelSigevent ev{};
    ev.value = t.value;
    ev.signo = int32_t(t.signo);
    ev.notify = int32_t(t.notify);
    if (t.notify & kSigevThreadId) ev.tid = tids[t.thread];
    int32_t id = t.id;
    if (long e = sys::timer_create(t.clock, &ev, &id); sys::is_error(e)) die_timer(t, "creating it", e);
    // The kernel gives the id asked for or fails; anything else is a
    // timer the program does not know it has.
    if (id != t.id) die_timer(t, "creating it with its id", -22);
  }
  // Creating id N moves the kernel's next id past N. When the highest id
  // the program had is gone (deleted), a timer made there and deleted
  // again moves it the same way, so the program's next timer gets the id a
  // cold run's would.
  if (n == 0 || timer_record(n - 1).id != next - 1) {
    sys::KernelSigevent none{};
    none.notify = int32_t(kSigevNone);
    int32_t id = next - 1;
    check(sys::timer_create(kClockMonotonic, &none, &id), "setting the next timer id");
    check(sys::timer_delete(id), "setting the next timer id");
  }
  check(sys::prctl(sys::kPrTimerCreateRestoreIds, sys::kRestoreIdsOff, 0, 0, 0), "choosing timer ids (PR_TIMER_CREATE_RESTORE_IDS)");
  // Armed last, relative to now: the time the recorded timer had left, then
  // its interval. Expiries before the program's signal mask is in place
  // stay pending (every signal is blocked in restore) and arrive at the jump.
  for (uint32_t i = 0; i < n; ++i) {
    const TimerRecord& t = timer_record(i);
    if (t.remaining_ns == 0) continue;  // created disarmed
    sys::ItimerSpec spec{to_timespec(t.interval_ns), to_timespec(t.remaining_ns)};
    if (long e = sys::timer_settime(t.id, 0, &spec); sys::is_error(e)) die_timer(t, "arming it", e);
  }
}

}  // namespace snappy::restorer
