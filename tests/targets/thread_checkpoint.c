/* The snapshot point reached in a thread other than the main one, as in a
 * JVM, whose Java main thread is not the process's first: the main thread
 * waits in pthread_join (a futex wait on the tid glibc keeps) and must be
 * woken when the worker, restored, finishes; a second worker that exited
 * before the checkpoint must stay gone.
 * snappy-test: variants=pie,static
 * snappy-test: also-restore=--pid-ns
 */
#include <pthread.h>
#include <string.h>

#include "target_check.h"

static int table[4096];

static void *short_lived(void *arg) {
  (void)arg;
  return NULL;
}

static void *worker(void *arg) {
  (void)arg;
  for (int i = 0; i < 4096; ++i) table[i] = i * i % 1009;
  setup_done("the worker built its table; main waits in pthread_join");
  int restored = snappy_checkpoint();
  (void)restored;
  long sum = 0;
  for (int i = 0; i < 4096; ++i) sum += table[i];
  printf("worker: sum %ld\n", sum);
  return (void *)sum;
}

int main(void) {
  pthread_t gone, t;
  check("a thread that exits before the checkpoint", pthread_create(&gone, NULL, short_lived, NULL) == 0 &&
                                                         pthread_join(gone, NULL) == 0);
  pthread_create(&t, NULL, worker, NULL);
  void *result = NULL;
  check("main joined the worker", pthread_join(t, &result) == 0);
  check("the worker's result", (long)result == 2056931);
  return target_failures;
}
