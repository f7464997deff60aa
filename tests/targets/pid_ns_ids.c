/* Ids cached before the snapshot point are still the process's own after
 * it, as in a cold run: restore --pid-ns runs the instance as the recorded
 * pid (restore/pid_namespace.cc). Before the marker the program keeps
 * getpid() and gettid() and locks an error-checking mutex (glibc stores the
 * owner's tid in it); after it, it uses them: pidfd_open, kill and tgkill
 * with the cached ids, /proc/<cached pid>/stat, the mutex unlocked by its
 * owner, and /proc/self/exe names the program (argv[0], made absolute by
 * the runner). Without --pid-ns every one of these differs (default-differs).
 * snappy-test: variants=pie,static
 * snappy-test: restore-args=--pid-ns
 * snappy-test: default-differs=yes
 * snappy-test: also-restore=--pid-ns,-n,3
 * snappy-test: also-restore=--pid-ns,--anon=exact
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "target_check.h"

static volatile sig_atomic_t usr1_count;
static void on_usr1(int sig) { (void)sig; usr1_count++; }

int main(int argc, char **argv) {
  (void)argc;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  if (sigaction(SIGUSR1, &sa, NULL) != 0) return 2;
  pid_t pid = getpid();
  pid_t tid = (pid_t)syscall(SYS_gettid);
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_t owned;
  pthread_mutex_init(&owned, &attr);
  int locked = pthread_mutex_lock(&owned);
  setup_done("pid and tid cached, an error-checking mutex locked");

  snappy_checkpoint();

  check("error-checking mutex locked before the snapshot", locked == 0);
  check("getpid() is the cached pid", getpid() == pid);
  check("gettid() is the cached tid", syscall(SYS_gettid) == tid);
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  check("pidfd_open(cached pid) succeeds", pidfd >= 0);
  check("and signals this process", pidfd >= 0 && syscall(SYS_pidfd_send_signal, pidfd, SIGUSR1, NULL, 0) == 0 &&
                                        usr1_count == 1);
  check("kill(cached pid, 0) succeeds", kill(pid, 0) == 0);
  check("tgkill(cached pid, cached tid, SIGUSR1) delivered",
        syscall(SYS_tgkill, pid, tid, SIGUSR1) == 0 && usr1_count == 2);
  char path[64], stat[256] = "";
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY);
  ssize_t n = fd >= 0 ? read(fd, stat, sizeof stat - 1) : -1;
  char expected[32];
  snprintf(expected, sizeof expected, "%d (", (int)pid);
  check("/proc/<cached pid>/stat is this process's", n > 0 && strncmp(stat, expected, strlen(expected)) == 0);
  char self[PATH_MAX] = "";
  ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
  char *program = realpath(argv[0], NULL);
  check("/proc/self/exe is the program", len > 0 && program && strcmp(self, program) == 0);
  check("the mutex is unlocked by its owner", pthread_mutex_unlock(&owned) == 0);
  return finish();
}
