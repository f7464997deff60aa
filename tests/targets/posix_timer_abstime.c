/* An absolute timer (TIMER_ABSTIME on CLOCK_MONOTONIC, 300 ms ahead) armed
 * before the snapshot point: the model records its deadline as given, and
 * restore re-arms it with the time that was left (relative), so it still
 * fires within 300 ms of the checkpoint, as in the cold run.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "target_check.h"

static int64_t ns(struct timespec t) { return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }

int main(void) {
  sigset_t alrm;
  sigemptyset(&alrm);
  sigaddset(&alrm, SIGALRM);
  sigprocmask(SIG_BLOCK, &alrm, NULL);
  timer_t timer;
  if (timer_create(CLOCK_MONOTONIC, NULL, &timer) != 0) return 2;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  struct itimerspec at = {{0, 0}, {now.tv_sec, now.tv_nsec + 300 * 1000000}};
  if (at.it_value.tv_nsec >= 1000000000) {
    at.it_value.tv_sec++;
    at.it_value.tv_nsec -= 1000000000;
  }
  if (timer_settime(timer, TIMER_ABSTIME, &at, NULL) != 0) return 2;
  setup_done("default timer (SIGALRM) armed at an absolute time 300 ms ahead");
  snappy_checkpoint();

  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  struct itimerspec left;
  check("armed, at most 300 ms left", timer_gettime(timer, &left) == 0 && ns(left.it_value) > 0 &&
                                          ns(left.it_value) <= 300 * 1000000);
  struct timespec wait = {3, 0};
  siginfo_t si;
  memset(&si, 0, sizeof si);
  check("SIGALRM from the timer", sigtimedwait(&alrm, &si, &wait) == SIGALRM && si.si_code == SI_TIMER &&
                                      si.si_timerid == (int)(intptr_t)timer);
  struct timespec end;
  clock_gettime(CLOCK_MONOTONIC, &end);
  /* Slack for a loaded machine: what matters is that it came, not at the
   * sigtimedwait timeout. */
  check("soon after the checkpoint (within 1 s)", ns(end) - ns(start) <= 1000 * 1000000);
  return finish();
}
