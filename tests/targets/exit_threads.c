/* Several threads alive at the program's end, which a worker thread (not
 * the main one) brings about with exit(5) while main waits in
 * pthread_join and the others sleep or wait on a condition variable. Every
 * thread stops as at any snapshot point; a restore brings them all back,
 * replays the output, and the worker's exit_group ends the process with 5.
 * snappy-test: expect-exit=5
 * snappy-test: trigger=^ptracer: snapshot .* at exit_group\([0-9]+\) \(the program's end\)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int ready;

static void *waiter(void *arg) {
  (void)arg;
  pthread_mutex_lock(&lock);
  ++ready;
  pthread_cond_broadcast(&cond);
  for (;;) pthread_cond_wait(&cond, &lock);  // never signalled again
  return NULL;
}

static void *sleeper(void *arg) {
  (void)arg;
  pthread_mutex_lock(&lock);
  ++ready;
  pthread_cond_broadcast(&cond);
  pthread_mutex_unlock(&lock);
  for (;;) {
    struct timespec t = {10, 0};
    nanosleep(&t, NULL);
  }
  return NULL;
}

static void *ender(void *arg) {
  (void)arg;
  pthread_mutex_lock(&lock);
  while (ready < 2) pthread_cond_wait(&cond, &lock);
  pthread_mutex_unlock(&lock);
  printf("two threads are waiting; ending the process from a worker\n");
  fflush(stdout);
  exit(5);
}

int main(void) {
  pthread_t a, b, c;
  printf("starting three threads\n");
  fflush(stdout);
  if (pthread_create(&a, NULL, waiter, NULL) || pthread_create(&b, NULL, sleeper, NULL) ||
      pthread_create(&c, NULL, ender, NULL)) {
    return 2;
  }
  pthread_join(c, NULL);  // exit(5) comes first
  return 3;
}
