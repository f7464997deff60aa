/* How a restore --pid-ns instance ends, as its caller sees it (pid_ns_test.sh
 * runs it, cold and restored, and compares): after the checkpoint marker it
 * reads one command from stdin and
 *   exit N      exits with N;
 *   die SIG     kills itself with signal SIG (default action);
 *   wait        prints "waiting" and waits for SIGTERM, whose handler
 *               prints and exits 3 (the test sends SIGTERM to the pid it
 *               has: restore's, or the cold run's);
 *   close       closes stdin, waits a second (the writer meets EPIPE: no
 *               reader left, restore and its init hold none), exits 0;
 *   interrupt   counts SIGINTs (a terminal's Ctrl-C): prints "waiting", and
 *               a second after the first prints the count and exits 0;
 *   stop        stops itself (SIGSTOP), then prints "continued", exits 0;
 *   ids         prints whether getpid() and gettid() are the cached ids,
 *               the capabilities it holds and its uid
 *               and gid, then exits 0 (also at EOF: restore -n 3's
 *               instances share stdin).
 * snappy-test: kind=none
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "target_check.h"

static void on_term(int sig) {
  (void)sig;
  static const char line[] = "got SIGTERM\n";
  write(1, line, sizeof line - 1);
  _exit(3);
}

static volatile sig_atomic_t sigints;
static void on_int(int sig) { (void)sig; sigints++; }

static void print_status_line(const char *key) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  while (f && fgets(line, sizeof line, f)) {
    if (strncmp(line, key, strlen(key)) == 0) fputs(line, stdout);
  }
  if (f) fclose(f);
}

/* Installs fn for sig and says so on stdout: the test waits for the line. */
static void handle_and_announce(int sig, void (*fn)(int)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sigaction(sig, &sa, NULL);
  printf("waiting\n");
  fflush(stdout);
}

int main(void) {
  pid_t pid = getpid(), tid = (pid_t)syscall(SYS_gettid);
  setup_done("ids cached");
  snappy_checkpoint();

  char command[64] = "";
  if (!fgets(command, sizeof command, stdin)) strcpy(command, "ids\n");  /* EOF: -n 3 */
  if (strncmp(command, "exit ", 5) == 0) return atoi(command + 5);
  if (strncmp(command, "die ", 4) == 0) {
    fflush(stdout);
    kill(getpid(), atoi(command + 4));
    return 4;
  }
  if (strcmp(command, "wait\n") == 0) {
    handle_and_announce(SIGTERM, on_term);
    for (;;) pause();
  }
  if (strcmp(command, "interrupt\n") == 0) {
    handle_and_announce(SIGINT, on_int);
    while (sigints == 0) pause();
    sleep(1);
    printf("SIGINTs: %d\n", (int)sigints);
    return 0;
  }
  if (strcmp(command, "close\n") == 0) {
    close(0);
    sleep(1);
    printf("closed\n");
    return 0;
  }
  if (strcmp(command, "stop\n") == 0) {
    raise(SIGSTOP);
    printf("continued\n");
    return 0;
  }
  if (strcmp(command, "ids\n") == 0) {
    printf("pid cached: %d, tid cached: %d\n", getpid() == pid, syscall(SYS_gettid) == tid);
    print_status_line("Cap");
    print_status_line("Uid:");
    print_status_line("Gid:");
    return 0;
  }
  return 2;
}
