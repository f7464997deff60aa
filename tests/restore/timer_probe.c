/* What restore's timer tests record (tests/restore/timers_test.sh):
 *   timer_probe live      timer 0 (SIGUSR1, value 7) armed for 100 ms
 *                         before the checkpoint; after it, waits for its
 *                         signal and prints "fired: timer N value V"
 *   timer_probe deleted   a timer made and deleted before the checkpoint;
 *                         after it, prints the id the next timer gets
 * then "restored" or "cold". */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "snappy_checkpoint.h"

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr1, NULL);
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = SIGUSR1;
  ev.sigev_value.sival_int = 7;
  timer_t t;
  if (timer_create(CLOCK_MONOTONIC, &ev, &t) != 0) return 2;
  if (strcmp(mode, "live") == 0) {
    struct itimerspec once = {{0, 0}, {0, 100 * 1000000}};
    if (timer_settime(t, 0, &once, NULL) != 0) return 2;
  } else if (timer_delete(t) != 0) {
    return 2;
  }
  int restored = snappy_checkpoint();
  if (strcmp(mode, "live") == 0) {
    struct timespec wait = {3, 0};
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (sigtimedwait(&usr1, &si, &wait) != SIGUSR1) return 3;
    printf("fired: timer %d value %d\n", si.si_timerid, si.si_value.sival_int);
  } else {
    if (timer_create(CLOCK_MONOTONIC, &ev, &t) != 0) return 2;
    printf("next id: %d\n", (int)(intptr_t)t);
  }
  printf("%s\n", restored ? "restored" : "cold");
  return 0;
}
