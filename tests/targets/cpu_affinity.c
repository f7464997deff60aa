/* The recorder runs the program on one CPU (ptracer/cpu_pinning.h) but
 * tells it the caller's mask: sched_getaffinity of the process, of a
 * thread by tid, and pthread_getaffinity_np of another thread give the
 * cold run's answer while recorded (the replayed setup lines) and after
 * restore. With "status", the setup also prints the Cpus_allowed_list of
 * the main thread's and the other thread's /proc status, which show the
 * pinning of the first thread only (cpu_pinning_test.sh).
 *
 * snappy-test: also-record=--no-pin
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "target_check.h"

static void print_mask(const char *what, const cpu_set_t *set) {
  printf("%s: %d CPUs:", what, CPU_COUNT(set));
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, set)) printf(" %d", cpu);
  }
  printf("\n");
}

static volatile pid_t other_tid;

static void *idle(void *arg) {
  (void)arg;
  other_tid = gettid();
  for (;;) sleep(3600);  /* nanosleep is in the model, pause is not */
  return NULL;
}

static void report(const char *when, pthread_t other) {
  char what[64];
  cpu_set_t set;
  CPU_ZERO(&set);
  snprintf(what, sizeof what, "%s: sched_getaffinity(0)", when);
  if (sched_getaffinity(0, sizeof set, &set) == 0) print_mask(what, &set);
  CPU_ZERO(&set);
  snprintf(what, sizeof what, "%s: sched_getaffinity(gettid())", when);
  if (sched_getaffinity(gettid(), sizeof set, &set) == 0) print_mask(what, &set);
  CPU_ZERO(&set);
  snprintf(what, sizeof what, "%s: other thread", when);
  if (pthread_getaffinity_np(other, sizeof set, &set) == 0) print_mask(what, &set);
}

static void print_status_cpus(const char *who, const char *path) {
  FILE *f = fopen(path, "r");
  char line[4096];
  while (f && fgets(line, sizeof line, f)) {
    if (strncmp(line, "Cpus_allowed_list:", 18) == 0) printf("setup: %s %s", who, line);
  }
  if (f) fclose(f);
}

int main(int argc, char **argv) {
  pthread_t other;
  if (pthread_create(&other, NULL, idle, NULL) != 0) return 2;
  report("setup", other);
  if (argc > 1 && strcmp(argv[1], "status") == 0) {
    char path[64];
    while (!other_tid) sched_yield();
    snprintf(path, sizeof path, "/proc/self/task/%d/status", (int)other_tid);
    print_status_cpus("main", "/proc/thread-self/status");
    print_status_cpus("other", path);
  }
  fflush(stdout);

  snappy_checkpoint();

  report("after", other);
  return finish();
}
