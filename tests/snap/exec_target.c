// A target for snap that execs itself while snap works on it.
//
// usage: exec_target DIR MS WHO [GEN]
//
// Every generation appends "gen GEN pid PID" to DIR/log, touches a 16 MiB
// heap (memory worth copying) and runs two threads that spin. With MS > 0 a
// generation re-executes itself (GEN + 1) after a random 1..MS ms; with
// MS = 0 only when it gets SIGUSR1. WHO says which thread calls execv:
// "main", "thread" (the second one, so the kernel's de_thread makes it the
// leader) or "alt" (main in even generations, the thread in odd ones). Once
// DIR/stop exists, the generation writes "done gen GEN" to DIR/done and
// exits 0: the exec'd program finishing its own work.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *dir, *ms_arg, *who;
static char **self_argv;
static int gen, exec_by_thread;
static long deadline_ms;  // 0: no timed exec
static volatile sig_atomic_t exec_requested;

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void append(const char *name, const char *text) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) _exit(5);
  if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) _exit(5);
  close(fd);
}

static void next_generation(void) {
  char g[16];
  snprintf(g, sizeof g, "%d", gen + 1);
  char *args[] = {self_argv[0], (char *)dir, (char *)ms_arg, (char *)who, g, NULL};
  execv("/proc/self/exe", args);
  _exit(6);
}

static void on_usr1(int sig) {
  (void)sig;
  exec_requested = 1;
}

// One thread's work: spin; exec when it is this thread's turn; finish when
// told to.
static void work(int is_thread) {
  char path[4096];
  snprintf(path, sizeof path, "%s/stop", dir);
  for (volatile unsigned long n = 0;; ++n) {
    if (n % 4096 == 0) {
      if (access(path, F_OK) == 0) {
        if (is_thread) return;
        char line[64];
        snprintf(line, sizeof line, "done gen %d\n", gen);
        append("done", line);
        exit(0);
      }
      if (is_thread == exec_by_thread && (exec_requested || (deadline_ms && now_ms() >= deadline_ms))) {
        next_generation();
      }
    }
  }
}

static void *thread_main(void *arg) {
  (void)arg;
  work(1);
  for (;;) pause();
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: exec_target DIR MS WHO [GEN]\n");
    return 2;
  }
  dir = argv[1], ms_arg = argv[2], who = argv[3], self_argv = argv;
  gen = argc > 4 ? atoi(argv[4]) : 0;
  exec_by_thread = strcmp(who, "thread") == 0 || (strcmp(who, "alt") == 0 && gen % 2 == 1);
  long ms = atol(ms_arg);
  srand((unsigned)(getpid() * 7919 + gen));
  if (ms > 0) deadline_ms = now_ms() + 1 + rand() % ms;
  signal(SIGUSR1, on_usr1);
  size_t big = (size_t)16 << 20;
  char *heap = malloc(big);
  for (size_t i = 0; i < big; i += 4096) heap[i] = (char)(i >> 12 | 1);
  char line[64];
  snprintf(line, sizeof line, "gen %d pid %d\n", gen, getpid());
  append("log", line);
  pthread_t t;
  pthread_create(&t, NULL, thread_main, NULL);
  work(0);
  return 0;
}
