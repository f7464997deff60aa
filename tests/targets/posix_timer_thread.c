/* A timer whose signal goes to one thread (SIGEV_THREAD_ID, as glibc's
 * SIGEV_THREAD helper and runtimes' timer threads use it): restore
 * recreates it aimed at that thread's new tid. The signal is unblocked in
 * both threads; a thread-directed signal reaches only its target, which
 * its handler sees in thread-local state.
 * snappy-test: variants=pie,static
 * snappy-test: also-restore=--pid-ns
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "target_check.h"

static __thread volatile sig_atomic_t got;
static __thread volatile int got_timerid = -1, got_value;
static atomic_int worker_tid, worker_got, worker_timerid, worker_value, stop;

static void on_signal(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  (void)ctx;
  got = 1;
  got_timerid = si->si_code == SI_TIMER ? si->si_timerid : -1;
  got_value = si->si_value.sival_int;
}

static void *worker(void *arg) {
  (void)arg;
  atomic_store(&worker_tid, (int)syscall(SYS_gettid));
  /* Waits in nanosleep, which the recording allows (sigwaitinfo would be
   * the snapshot point). */
  while (!got && !atomic_load(&stop)) {
    struct timespec t = {0, 5 * 1000000};
    nanosleep(&t, NULL);
  }
  atomic_store(&worker_timerid, got_timerid);
  atomic_store(&worker_value, got_value);
  atomic_store(&worker_got, got);
  return NULL;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGRTMIN + 1, &sa, NULL) != 0) return 2;
  pthread_t thread;
  if (pthread_create(&thread, NULL, worker, NULL) != 0) return 2;
  while (atomic_load(&worker_tid) == 0) sched_yield();
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_THREAD_ID;
  ev.sigev_signo = SIGRTMIN + 1;
  ev.sigev_value.sival_int = 77;
  ev._sigev_un._tid = atomic_load(&worker_tid);
  timer_t timer;
  if (timer_create(CLOCK_MONOTONIC, &ev, &timer) != 0) return 2;
  struct itimerspec once = {{0, 0}, {0, 200 * 1000000}};
  if (timer_settime(timer, 0, &once, NULL) != 0) return 2;
  setup_done("timer aimed at the second thread, 200 ms");
  snappy_checkpoint();

  for (int i = 0; i < 300 && !atomic_load(&worker_got); ++i) {
    struct timespec t = {0, 10 * 1000000};
    nanosleep(&t, NULL);
  }
  atomic_store(&stop, 1);
  pthread_join(thread, NULL);
  check("the second thread took the timer's signal", atomic_load(&worker_got) == 1);
  check("from this timer", atomic_load(&worker_timerid) == (int)(intptr_t)timer);
  check("with its value", atomic_load(&worker_value) == 77);
  check("not the main thread", !got);
  return finish();
}
