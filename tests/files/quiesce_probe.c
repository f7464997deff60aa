/* A helper thread busy when the main thread reaches its snapshot point
 * (quiesce_test.sh). It works for about 40 ms of its own CPU time, sets
 * `finished`, then, as MODE says:
 *   sleep    waits on a condition variable for ever
 *   trigger  makes a call outside the model (mkdir of a path whose parent
 *            cannot exist), sets `made` once it returned, then waits
 *   spin     never finishes: works for ever
 * The main thread starts it, reaches the marker at once, then prints
 * whether the helper had finished (in trigger mode, after waiting up to 10
 * s for `made`, whether the mkdir returned) and exits (the helper dies
 * with it). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "snappy_checkpoint.h"

static const char *mode;
static volatile int finished, made;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;

static double cpu_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void *helper(void *unused) {
  (void)unused;
  volatile unsigned long work = 0;
  double start = cpu_ms();
  while (strcmp(mode, "spin") == 0 || cpu_ms() - start < 40) work++;
  finished = 1;
  if (strcmp(mode, "trigger") == 0) {
    mkdir("/nonexistent-snappy-parent/x", 0700);
    made = 1;
  }
  pthread_mutex_lock(&lock);
  for (;;) pthread_cond_wait(&never, &lock);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  mode = argv[1];
  pthread_t t;
  if (pthread_create(&t, NULL, helper, NULL) != 0) return 1;
  snappy_checkpoint();
  printf("helper finished at the snapshot point: %s\n", finished ? "yes" : "no");
  if (strcmp(mode, "trigger") == 0) {
    for (int i = 0; i < 10000 && !made; i++) {
      struct timespec ms = {0, 1000000};
      nanosleep(&ms, NULL);
    }
    printf("helper's mkdir returned: %s\n", made ? "yes" : "no");
  }
  return 0;
}
