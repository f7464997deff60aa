/* The thread-group leader leaves with pthread_exit before the snapshot
 * point; another thread does some work, then reaches the checkpoint marker
 * and prints after it. The worker joins the main thread first (glibc allows
 * it: the kernel clears the leader's tid at its exit), so the leader is
 * always on its way out or a zombie by then, not only in the runs where the
 * race goes that way. Cold: prints "worker: sum N" and the process exits 0
 * when the worker returns. Recorded: ptracer must refuse (the main thread is
 * a zombie, no restore can bring it back), never hang waiting for a stop a
 * zombie never reports (leader_exits_test.sh).
 */
#include <pthread.h>
#include <stdio.h>

#include "snappy_checkpoint.h"

static int table[4096];
static pthread_t main_thread;

static void *worker(void *arg) {
  (void)arg;
  if (pthread_join(main_thread, NULL) != 0) return NULL;
  for (int i = 0; i < 4096; ++i) table[i] = i * i % 1009;
  snappy_checkpoint();
  long sum = 0;
  for (int i = 0; i < 4096; ++i) sum += table[i];
  printf("worker: sum %ld\n", sum);
  fflush(stdout);
  return NULL;
}

int main(void) {
  pthread_t t;
  main_thread = pthread_self();
  if (pthread_create(&t, NULL, worker, NULL) != 0) return 2;
  pthread_exit(NULL);
}
