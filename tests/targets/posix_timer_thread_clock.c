/* A timer on a thread's CPU-time clock cannot be held (it counts the CPU
 * time of the thread that created it, which restore would have to create it
 * from): the snapshot is taken at that timer_create, and the summary says
 * why. Restored, the program makes the call itself.
 * snappy-test: trigger=timer_create.*thread's CPU-time clock
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "target_check.h"

int main(void) {
  setup_done("about to create a CLOCK_THREAD_CPUTIME_ID timer");
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_NONE;
  timer_t t;
  check("timer_create(CLOCK_THREAD_CPUTIME_ID)", timer_create(CLOCK_THREAD_CPUTIME_ID, &ev, &t) == 0);
  printf("its id: %d\n", (int)(intptr_t)t);
  return finish();
}
