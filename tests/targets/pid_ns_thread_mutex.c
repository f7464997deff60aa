/* A second thread holds a recursive mutex across the snapshot point (as a
 * thread inside dlopen holds ld.so's lock): glibc stores the owner's tid in
 * the mutex, so after restore the thread can unlock it only if it has its
 * recorded tid again (restore --pid-ns: clone3 set_tid). The main thread
 * then takes the mutex, joins the thread, and signals it by its cached tid
 * before that. Without --pid-ns the unlock fails with EPERM and the mutex
 * stays held by a tid nobody has (default-differs; trylock, not lock, so
 * that the difference does not hang).
 * snappy-test: restore-args=--pid-ns
 * snappy-test: default-differs=yes
 * snappy-test: also-restore=--pid-ns,-n,2
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "target_check.h"

static pthread_mutex_t recursive;
static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int stage;  /* 1: the worker holds the mutex; 2: it may go on */
static volatile pid_t worker_tid;
static volatile sig_atomic_t usr1_in_worker;

static void on_usr1(int sig) {
  (void)sig;
  if (syscall(SYS_gettid) == worker_tid) usr1_in_worker++;
}

static void *worker(void *arg) {
  (void)arg;
  worker_tid = (pid_t)syscall(SYS_gettid);
  int a = pthread_mutex_lock(&recursive), b = pthread_mutex_lock(&recursive);
  pthread_mutex_lock(&gate);
  stage = a == 0 && b == 0 ? 1 : -1;
  pthread_cond_broadcast(&cond);
  while (stage != 2) pthread_cond_wait(&cond, &gate);
  pthread_mutex_unlock(&gate);
  int tid_same = syscall(SYS_gettid) == worker_tid;
  int u1 = pthread_mutex_unlock(&recursive);
  int u2 = pthread_mutex_unlock(&recursive);
  return (void *)(long)(tid_same && u1 == 0 && u2 == 0 ? 1 : 0);
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  if (sigaction(SIGUSR1, &sa, NULL) != 0) return 2;
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_init(&recursive, &attr);
  pthread_t t;
  if (pthread_create(&t, NULL, worker, NULL) != 0) return 2;
  pthread_mutex_lock(&gate);
  while (stage == 0) pthread_cond_wait(&cond, &gate);
  pthread_mutex_unlock(&gate);
  setup_done("a worker thread holds a recursive mutex twice and waits");

  snappy_checkpoint();

  pid_t pid = getpid();
  check("the worker locked the mutex twice before the snapshot", stage == 1);
  check("tgkill(pid, the worker's cached tid, SIGUSR1) reaches the worker",
        syscall(SYS_tgkill, pid, worker_tid, SIGUSR1) == 0);
  check("the main thread cannot take the worker's mutex", pthread_mutex_trylock(&recursive) == EBUSY);
  pthread_mutex_lock(&gate);
  stage = 2;
  pthread_cond_broadcast(&cond);
  pthread_mutex_unlock(&gate);
  void *ok = NULL;
  check("the worker joined", pthread_join(t, &ok) == 0);
  check("the worker kept its tid and unlocked the mutex twice", ok == (void *)1);
  check("the signal ran in the worker", usr1_in_worker == 1);
  int taken = pthread_mutex_trylock(&recursive);
  check("the main thread takes the mutex after it", taken == 0);
  if (taken == 0) pthread_mutex_unlock(&recursive);
  return finish();
}
