/* A POSIX timer armed before the snapshot point fires after it: restore
 * recreates it with the same id (the timer_t the program holds), on the
 * same clock, with the same signal and sigev_value, armed with the time
 * that was left. The signal is blocked and taken with sigtimedwait after
 * the checkpoint, so its siginfo shows which timer sent it.
 * snappy-test: variants=pie,static
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "target_check.h"

static int64_t ns(struct timespec t) { return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }

int main(void) {
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr1, NULL);
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = SIGUSR1;
  ev.sigev_value.sival_int = 0x5eed;
  timer_t timer;
  if (timer_create(CLOCK_MONOTONIC, &ev, &timer) != 0) return 2;
  struct itimerspec once = {{0, 0}, {0, 300 * 1000000}};
  if (timer_settime(timer, 0, &once, NULL) != 0) return 2;
  printf("setup: timer %d armed for 300 ms\n", (int)(intptr_t)timer);
  fflush(stdout);
  snappy_checkpoint();

  struct itimerspec left;
  check("timer_gettime of the held id", timer_gettime(timer, &left) == 0);
  check("still armed, at most 300 ms left", ns(left.it_value) > 0 && ns(left.it_value) <= 300 * 1000000);
  check("one-shot", ns(left.it_interval) == 0);
  struct timespec wait = {3, 0};
  siginfo_t si;
  memset(&si, 0, sizeof si);
  int sig = sigtimedwait(&usr1, &si, &wait);
  check("SIGUSR1 arrives", sig == SIGUSR1);
  check("sent by a timer (SI_TIMER)", si.si_code == SI_TIMER);
  check("by this timer (si_timerid)", si.si_timerid == (int)(intptr_t)timer);
  check("with its sigev_value", si.si_value.sival_int == 0x5eed);
  check("disarmed once fired", timer_gettime(timer, &left) == 0 && ns(left.it_value) == 0);
  return finish();
}
