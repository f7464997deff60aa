/* glibc's view of the thread agrees with the kernel's after the checkpoint.
 * glibc caches the tid in struct pthread (the set_tid_address address) and
 * registered a robust list there at startup; a restored instance has a new
 * tid, so restore must re-register both and write the new tid.
 *   - raise() and pthread_kill(pthread_self()) deliver to this thread;
 *   - an error-checking mutex (owner = cached tid) detects relocking;
 *   - the main thread exits holding a robust mutex: the kernel marks it
 *     owner-dead only if the robust list is registered and the futex word
 *     holds the real tid; and a second thread can join the main thread only
 *     if the kernel clears the set_tid_address word at its exit.
 * Nothing thread-related happens before the checkpoint (threads end the
 * recording).
 * snappy-test: variants=pie,static
 * snappy-test: learn=yes
 * snappy-test: also-restore=--pid-ns
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "target_check.h"

static volatile sig_atomic_t usr1_count, usr2_count;
static pthread_t main_thread;
static pthread_mutex_t robust;

static void on_usr1(int sig) { (void)sig; usr1_count++; }
static void on_usr2(int sig) { (void)sig; usr2_count++; }

static struct timespec deadline(int seconds) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_sec += seconds;
  return ts;
}

static void *joiner(void *arg) {
  (void)arg;
  struct timespec ts = deadline(10);
  int join = pthread_timedjoin_np(main_thread, NULL, &ts);
  check("second thread joined the exited main thread (tid address cleared)", join == 0);
  ts = deadline(10);
  int lock = pthread_mutex_timedlock(&robust, &ts);
  check("robust mutex held by the exited main thread: EOWNERDEAD", lock == EOWNERDEAD);
  if (lock == EOWNERDEAD) {
    pthread_mutex_consistent(&robust);
    pthread_mutex_unlock(&robust);
  }
  exit(finish());
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  if (sigaction(SIGUSR1, &sa, NULL) != 0) return 2;
  sa.sa_handler = on_usr2;
  if (sigaction(SIGUSR2, &sa, NULL) != 0) return 2;
  setup_done("SIGUSR1 and SIGUSR2 handlers");

  snappy_checkpoint();

  check("gettid() == getpid() in the main thread", syscall(SYS_gettid) == getpid());
  check("gettid() agrees with the syscall", gettid() == syscall(SYS_gettid));
  raise(SIGUSR1);
  check("raise(SIGUSR1) delivered", usr1_count == 1);
  check("pthread_kill(pthread_self(), SIGUSR2) succeeds",
        pthread_kill(pthread_self(), SIGUSR2) == 0);
  check("and delivered", usr2_count == 1);
  check("pthread_equal(pthread_self(), pthread_self())",
        pthread_equal(pthread_self(), pthread_self()));

  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_t errorcheck;
  pthread_mutex_init(&errorcheck, &attr);
  int first = pthread_mutex_lock(&errorcheck);
  int again = pthread_mutex_lock(&errorcheck);
  int unlock = pthread_mutex_unlock(&errorcheck);
  check("error-checking mutex: lock, EDEADLK on relock, unlock",
        first == 0 && again == EDEADLK && unlock == 0);

  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(&robust, &attr);
  check("robust mutex locked by the main thread", pthread_mutex_lock(&robust) == 0);
  fflush(stdout);
  main_thread = pthread_self();
  pthread_t t;
  if (pthread_create(&t, NULL, joiner, NULL) != 0) {
    check("pthread_create", 0);
    return finish();
  }
  pthread_exit(NULL);
}
