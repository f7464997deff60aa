// A live target for snap: the main thread counts in a loop; one thread
// waits on a condition variable (futex), one sleeps (nanosleep), one reads
// a line from stdin (read on a pipe). After SECONDS of counting and once the
// reader got its line it prints the count and the line and exits 0.
// usage: live_target SECONDS [HEAP_MIB]
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int done;
static char line[256];
static volatile unsigned long counter;

__attribute__((noinline)) void *waiter_thread(void *arg) {
  (void)arg;
  pthread_mutex_lock(&mu);
  while (!done) pthread_cond_wait(&cv, &mu);
  pthread_mutex_unlock(&mu);
  return NULL;
}

__attribute__((noinline)) void *sleeper_thread(void *arg) {
  (void)arg;
  for (;;) {
    struct timespec ts = {3600, 0};
    nanosleep(&ts, NULL);
  }
  return NULL;
}

__attribute__((noinline)) void *reader_thread(void *arg) {
  (void)arg;
  ssize_t n = read(0, line, sizeof line - 1);
  if (n < 0) n = 0;
  line[n] = 0;
  return NULL;
}

__attribute__((noinline)) void count_loop(double seconds) {
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  do {
    for (int i = 0; i < 100000; ++i) counter++;
    clock_gettime(CLOCK_MONOTONIC, &now);
  } while ((now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9 < seconds);
}

int main(int argc, char **argv) {
  double seconds = argc > 1 ? atof(argv[1]) : 5;
  size_t big = (size_t)(argc > 2 ? atol(argv[2]) : 8) << 20;
  // Heap worth storing: half of its pages non-zero, the rest touched zeros.
  char *heap = malloc(big);
  memset(heap, 0, big);
  for (size_t i = 0; i < big / 2; i += 4096) heap[i] = (char)((i >> 12) | 1);
  pthread_t w, s, r;
  pthread_create(&w, NULL, waiter_thread, NULL);
  pthread_create(&s, NULL, sleeper_thread, NULL);
  pthread_create(&r, NULL, reader_thread, NULL);
  printf("ready %d\n", getpid());
  fflush(stdout);
  count_loop(seconds);
  pthread_join(r, NULL);
  pthread_mutex_lock(&mu);
  done = 1;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
  pthread_join(w, NULL);
  printf("count %lu positive %d\nline %s", counter, counter > 0, line);
  return heap[4096] == 1 ? 0 : 3;
}
