/* Timer ids and states across the snapshot point: deleted ids are not
 * recreated, a disarmed timer stays disarmed, a SIGEV_NONE timer and a
 * process CPU-time timer keep counting down, and the next timer_create
 * gets the id a cold run's would (ids come in increasing order, deleted
 * ones included: the highest one here was deleted).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "target_check.h"

static int64_t ns(struct timespec t) { return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }
static int id(timer_t t) { return (int)(intptr_t)t; }

static timer_t make(clockid_t clock, int notify, int signo) {
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = notify;
  ev.sigev_signo = signo;
  ev.sigev_value.sival_int = 1000 + signo;
  timer_t t;
  if (timer_create(clock, &ev, &t) != 0) exit(2);
  return t;
}

static void print_live_ids(void) {
  FILE *f = fopen("/proc/self/timers", "r");
  char line[256];
  printf("live ids:");
  while (f && fgets(line, sizeof line, f)) {
    if (strncmp(line, "ID: ", 4) == 0) printf(" %d", atoi(line + 4));
  }
  printf("\n");
  if (f) fclose(f);
}

int main(void) {
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigaddset(&block, SIGPROF);
  sigprocmask(SIG_BLOCK, &block, NULL);
  timer_t none = make(CLOCK_MONOTONIC, SIGEV_NONE, 0);
  timer_t deleted = make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1);
  timer_t disarmed = make(CLOCK_REALTIME, SIGEV_SIGNAL, SIGUSR1);
  timer_t cpu = make(CLOCK_PROCESS_CPUTIME_ID, SIGEV_SIGNAL, SIGPROF);
  timer_t last = make(CLOCK_TAI, SIGEV_SIGNAL, SIGUSR1);
  struct itimerspec hour = {{0, 0}, {3600, 0}}, zero = {{0, 0}, {0, 0}}, cpu100 = {{0, 0}, {100, 0}};
  struct itimerspec minute = {{1, 0}, {60, 0}};
  if (timer_settime(none, 0, &hour, NULL) || timer_settime(disarmed, 0, &minute, NULL) ||
      timer_settime(disarmed, 0, &zero, NULL) || timer_settime(cpu, 0, &cpu100, NULL) ||
      timer_delete(deleted) || timer_delete(last)) {
    return 2;
  }
  printf("setup: ids %d %d %d %d %d; %d and %d deleted\n", id(none), id(deleted), id(disarmed), id(cpu), id(last),
         id(deleted), id(last));
  print_live_ids();
  fflush(stdout);
  snappy_checkpoint();

  print_live_ids();
  struct itimerspec v;
  errno = 0;
  check("deleted id stays free (EINVAL)", timer_gettime(deleted, &v) == -1 && errno == EINVAL);
  errno = 0;
  check("deleted highest id stays free (EINVAL)", timer_gettime(last, &v) == -1 && errno == EINVAL);
  check("disarmed stays disarmed", timer_gettime(disarmed, &v) == 0 && ns(v.it_value) == 0 && ns(v.it_interval) == 0);
  check("SIGEV_NONE timer counts down from an hour",
        timer_gettime(none, &v) == 0 && ns(v.it_value) > 3500ll * 1000000000 && ns(v.it_value) <= 3600ll * 1000000000);
  check("no overrun", timer_getoverrun(none) == 0);
  check("CPU-time timer armed, at most 100 s of CPU left",
        timer_gettime(cpu, &v) == 0 && ns(v.it_value) > 99ll * 1000000000 && ns(v.it_value) <= 100ll * 1000000000);
  timer_t next = make(CLOCK_MONOTONIC, SIGEV_NONE, 0);
  printf("next timer id: %d\n", id(next));
  print_live_ids();
  return finish();
}
