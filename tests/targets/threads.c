/* Threads at the snapshot point, each in a different state: blocked on a
 * condition variable, blocked on a mutex the main thread holds, sleeping,
 * in poll(2) with a timeout, spinning in user code, and one with its own
 * alternate signal stack. After the checkpoint every one must go on where it
 * was: wake up, take the lock, finish its sleep, see its thread-local data
 * (fs base), take a signal sent to its tid (glibc's cached tid), and be
 * joined (CLONE_CHILD_CLEARTID: the kernel clears the tid glibc keeps). A
 * thread created after the checkpoint must work too.
 * snappy-test: variants=pie,static
 * snappy-test: also-restore=--pid-ns
 * Also restored with --anon=exact (stored pages read in, not mapped).
 * snappy-test: also-restore=--anon=exact
 * And as 2 instances of restore -n 2.
 * snappy-test: also-restore=-n,2
 * snappy-test: learn=yes
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "target_check.h"

enum { kCondWaiter, kMutexWaiter, kSleeper, kPoller, kSpinner, kAltStack, kThreads };
static const char *const kNames[kThreads] = {"cond waiter", "mutex waiter", "sleeper",
                                              "poller", "spinner", "altstack"};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int go;
static atomic_int ready, spin_go;
static __thread int tls_value;
static __thread volatile sig_atomic_t got_signal;
static __thread volatile uintptr_t signal_stack_seen;

struct result {
  int tls_ok, woke, signalled, on_altstack;
};
static struct result results[kThreads];

static void on_usr1(int sig) {
  (void)sig;
  char here;
  got_signal = 1;
  signal_stack_seen = (uintptr_t)&here;
}

static void *worker(void *arg) {
  int id = (int)(long)arg;
  tls_value = 1000 + id;
  static char altstacks[kThreads][1 << 16];
  if (id == kAltStack) {
    stack_t ss = {.ss_sp = altstacks[id], .ss_size = sizeof altstacks[id], .ss_flags = 0};
    sigaltstack(&ss, NULL);
  }
  atomic_fetch_add(&ready, 1);
  switch (id) {
    case kCondWaiter:
      pthread_mutex_lock(&lock);
      while (!go) pthread_cond_wait(&cond, &lock);
      pthread_mutex_unlock(&lock);
      break;
    case kMutexWaiter:
      pthread_mutex_lock(&held);
      pthread_mutex_unlock(&held);
      break;
    case kSleeper: {
      struct timespec t = {0, 300 * 1000 * 1000};
      nanosleep(&t, NULL);
      break;
    }
    case kPoller:
      poll(NULL, 0, 300);
      break;
    case kSpinner:
    case kAltStack:
      while (!atomic_load(&spin_go)) {
      }
      break;
  }
  results[id].woke = 1;
  results[id].tls_ok = tls_value == 1000 + id;
  /* Wait for the main thread's signal to this very thread. */
  while (!got_signal) sched_yield();
  results[id].signalled = 1;
  results[id].on_altstack =
      signal_stack_seen >= (uintptr_t)altstacks[id] && signal_stack_seen < (uintptr_t)(altstacks[id] + sizeof altstacks[id]);
  return NULL;
}

/* Whether anything is mapped in restore's reserved window (1 GiB at
 * 0x200000000000): once every thread has left, restore unmaps it. */
static int window_mapped(void) {
  FILE *maps = fopen("/proc/self/maps", "r");
  if (!maps) return 1;
  unsigned long start, end;
  int found = 0;
  char line[512];
  while (fgets(line, sizeof line, maps)) {
    if (sscanf(line, "%lx-%lx", &start, &end) == 2 && start < 0x200040000000ul && end > 0x200000000000ul) found = 1;
  }
  fclose(maps);
  return found;
}

static void *late_worker(void *arg) {
  tls_value = 7;
  *(int *)arg = tls_value * 6;
  return NULL;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sa.sa_flags = SA_ONSTACK;
  sigaction(SIGUSR1, &sa, NULL);
  pthread_mutex_lock(&held);
  pthread_t threads[kThreads];
  for (long i = 0; i < kThreads; ++i) pthread_create(&threads[i], NULL, worker, (void *)i);
  while (atomic_load(&ready) < kThreads) sched_yield();
  /* Let the blocking ones reach their system calls. */
  struct timespec settle = {0, 50 * 1000 * 1000};
  nanosleep(&settle, NULL);
  setup_done("6 threads: cond wait, mutex wait, nanosleep, poll, spinning, spinning with an altstack");

  snappy_checkpoint();

  pthread_mutex_lock(&lock);
  go = 1;
  pthread_cond_signal(&cond);
  pthread_mutex_unlock(&lock);
  pthread_mutex_unlock(&held);
  atomic_store(&spin_go, 1);
  for (int i = 0; i < kThreads; ++i) {
    /* pthread_kill uses the tid glibc keeps for the thread. */
    check("signal sent to a thread", pthread_kill(threads[i], SIGUSR1) == 0);
  }
  for (int i = 0; i < kThreads; ++i) {
    check("join", pthread_join(threads[i], NULL) == 0);
    printf("%s: woke %d, tls %d, signalled %d\n", kNames[i], results[i].woke, results[i].tls_ok,
           results[i].signalled);
  }
  check("the altstack thread took its signal on its altstack", results[kAltStack].on_altstack);
  check("the others took it on their own stacks", !results[kSpinner].on_altstack);
  int answer = 0;
  pthread_t late;
  check("a thread created after the checkpoint", pthread_create(&late, NULL, late_worker, &answer) == 0 &&
                                                     pthread_join(late, NULL) == 0 && answer == 42);
  check("main thread tls untouched", tls_value == 0);
  check("nothing mapped in restore's window", !window_mapped());
  return target_failures;
}
