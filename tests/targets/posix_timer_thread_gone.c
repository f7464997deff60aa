/* A thread-directed timer (SIGEV_THREAD_ID) whose thread has exited before
 * the snapshot point: the timer lives on, as timers belong to the process,
 * but its signals reach no one. It is held as a SIGEV_NONE timer with its
 * id, clock and time left, so after the checkpoint it still counts down
 * and no signal arrives, as in the cold run.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "target_check.h"

static timer_t timer;
static volatile sig_atomic_t signals;

static void on_usr1(int sig) {
  (void)sig;
  signals++;
}

static void *worker(void *arg) {
  (void)arg;
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_THREAD_ID;
  ev.sigev_signo = SIGUSR1;
  ev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
  if (timer_create(CLOCK_MONOTONIC, &ev, &timer) != 0) return (void *)1;
  /* First in 100 ms, then every 10 ms: all of them after the thread is gone. */
  struct itimerspec every = {{0, 10 * 1000000}, {0, 100 * 1000000}};
  return (void *)(intptr_t)timer_settime(timer, 0, &every, NULL);
}

static int64_t ns(struct timespec t) { return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }

int main(void) {
  signal(SIGUSR1, on_usr1);
  pthread_t thread;
  void *result;
  if (pthread_create(&thread, NULL, worker, NULL) != 0 || pthread_join(thread, &result) != 0 || result) return 2;
  setup_done("timer aimed at a thread that has exited");
  snappy_checkpoint();

  struct itimerspec v;
  check("the timer is still there, armed", timer_gettime(timer, &v) == 0 && ns(v.it_value) > 0);
  check("with its interval", v.it_interval.tv_sec == 0 && v.it_interval.tv_nsec == 10 * 1000000);
  struct timespec wait = {0, 300 * 1000000};
  while (nanosleep(&wait, &wait) != 0) {
  }
  printf("signals received: %d\n", (int)signals);
  check("no signal reaches anyone", signals == 0);
  return finish();
}
