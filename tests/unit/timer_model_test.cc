// The timer model's pure parts: /proc/PID/timers as the kernel prints it
// (fs/proc/base.c show_timer) and the time left as timer_gettime computes
// it.
#include "ptracer/timer_model.h"

#include <gtest/gtest.h>

#include "ptracer/memory_capture.h"

namespace snappy {
namespace {

using namespace format;

TEST(TimerModel, ParsesProcTimersAsTheKernelPrintsThem) {
  // Three timers as Linux 6.18 lists them, newest first: glibc's SIGEV_THREAD
  // helper timer, a default SIGALRM one, a SIGEV_NONE CPU-clock timer.
  const char* text =
      "ID: 2\n"
      "signal: 32/000055574e3d8460\n"
      "notify: signal/tid.13634\n"
      "ClockID: 1\n"
      "ID: 1\n"
      "signal: 14/0000000000000000\n"
      "notify: signal/pid.13633\n"
      "ClockID: 0\n"
      "ID: 0\n"
      "signal: 0/00000000000003e8\n"
      "notify: none/pid.13633\n"
      "ClockID: -6\n";
  std::vector<ProcTimer> t = parse_proc_timers(text);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].id, 2);
  EXPECT_EQ(t[0].signo, 32u);
  EXPECT_EQ(t[0].value, 0x55574e3d8460u);
  EXPECT_EQ(t[0].notify, kSigevThreadId | kSigevSignal);
  EXPECT_EQ(t[0].target, 13634);
  EXPECT_EQ(t[0].clock, 1);
  EXPECT_EQ(t[1].notify, kSigevSignal);
  EXPECT_EQ(t[1].signo, 14u);
  EXPECT_EQ(t[1].target, 13633);
  EXPECT_EQ(t[2].notify, kSigevNone);
  EXPECT_EQ(t[2].clock, kClockOwnProcessSched);
  EXPECT_EQ(t[2].value, 1000u);
  EXPECT_TRUE(parse_proc_timers("").empty());
  EXPECT_EQ(parse_proc_timers("ID: 5\nsignal: 10/1\nnotify: thread/pid.9\nClockID: 7\n")[0].notify, kSigevThread);
}

TEST(TimerModel, RefusesProcTimersLinesItCannotRead) {
  EXPECT_THROW(parse_proc_timers("signal: 10/0\n"), CaptureError);                      // before any ID
  EXPECT_THROW(parse_proc_timers("ID: 0\nsignal: 10\n"), CaptureError);                // no value
  EXPECT_THROW(parse_proc_timers("ID: 0\nnotify: bogus/pid.1\n"), CaptureError);       // unknown kind
  EXPECT_THROW(parse_proc_timers("ID: 0\nnotify: signal/pgid.1\n"), CaptureError);     // unknown target
  EXPECT_THROW(parse_proc_timers("ID: 0\nOverrun: 3\n"), CaptureError);                // a field it does not know
}

TEST(TimerModel, TimeLeftAsTimerGettimeReportsIt) {
  EXPECT_EQ(timer_remaining(0, 0, 100), 0u);          // disarmed
  EXPECT_EQ(timer_remaining(0, 50, 100), 0u);         // disarmed, whatever the interval
  EXPECT_EQ(timer_remaining(300, 0, 100), 200u);      // ahead
  EXPECT_EQ(timer_remaining(100, 0, 100), 0u);        // a one-shot that just expired
  EXPECT_EQ(timer_remaining(50, 0, 100), 0u);         // and one long gone
  EXPECT_EQ(timer_remaining(100, 20, 100), 20u);      // an interval timer at its expiry: the next period
  EXPECT_EQ(timer_remaining(50, 20, 100), 10u);       // 50, 70, 90 went by; 110 is next
  EXPECT_EQ(timer_remaining(50, 25, 100), 25u);       // 50, 75, 100 went by; 125 is next
}

}  // namespace
}  // namespace snappy
