/* An interval timer armed before the snapshot point keeps its interval
 * after it: timer_gettime reports the same it_interval, and it goes on
 * expiring, each expiry a SIGUSR2 from the same timer.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "target_check.h"

static int64_t ns(struct timespec t) { return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }

int main(void) {
  sigset_t usr2;
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  sigprocmask(SIG_BLOCK, &usr2, NULL);
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = SIGUSR2;
  ev.sigev_value.sival_ptr = (void *)0x1234567890ab;
  timer_t timer;
  if (timer_create(CLOCK_BOOTTIME, &ev, &timer) != 0) return 2;
  struct itimerspec every = {{0, 20 * 1000000}, {0, 50 * 1000000}};
  if (timer_settime(timer, 0, &every, NULL) != 0) return 2;
  setup_done("CLOCK_BOOTTIME timer: first in 50 ms, then every 20 ms");
  snappy_checkpoint();

  struct itimerspec now;
  check("timer_gettime", timer_gettime(timer, &now) == 0);
  check("interval still 20 ms", now.it_interval.tv_sec == 0 && now.it_interval.tv_nsec == 20 * 1000000);
  check("next expiry within 50 ms", ns(now.it_value) > 0 && ns(now.it_value) <= 50 * 1000000);
  int seen = 0, from_timer = 0;
  for (int i = 0; i < 4; ++i) {
    struct timespec wait = {3, 0};
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (sigtimedwait(&usr2, &si, &wait) != SIGUSR2) break;
    seen++;
    from_timer += si.si_code == SI_TIMER && si.si_timerid == (int)(intptr_t)timer &&
                  si.si_value.sival_ptr == (void *)0x1234567890ab;
  }
  printf("expiries seen: %d, from this timer: %d\n", seen, from_timer);
  check("four expiries", seen == 4 && from_timer == 4);
  check("still armed after them", timer_gettime(timer, &now) == 0 && ns(now.it_value) > 0 &&
                                      ns(now.it_value) <= 20 * 1000000);
  return finish();
}
