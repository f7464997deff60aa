/* Files of the process's own /proc directory held open across the
 * snapshot point (/proc/self/status, /proc/thread-self/stat, and
 * /proc/PID/maps by pid) read as the cold run's do: the instance's own,
 * not those of the process that was recorded.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "target_check.h"

/* The value of "Pid:" in a status file read from `fd` (from the start). */
static long status_pid(int fd) {
  char text[4096];
  ssize_t n = pread(fd, text, sizeof text - 1, 0);
  if (n <= 0) return -1;
  text[n] = 0;
  char *at = strstr(text, "\nPid:");
  return at ? strtol(at + 5, NULL, 10) : -1;
}

int main(void) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/maps", (int)getpid());
  int status = open("/proc/self/status", O_RDONLY);
  int stat = open("/proc/thread-self/stat", O_RDONLY | O_CLOEXEC);
  int maps = open(path, O_RDONLY);
  char first[16];
  if (status < 0 || stat < 0 || maps < 0 || read(status, first, 4) != 4) return 2;
  setup_done("/proc/self/status (4 bytes read), /proc/thread-self/stat and /proc/PID/maps open");

  snappy_checkpoint();

  check("status is this process's", status_pid(status) == getpid());
  check("and its offset was kept", lseek(status, 0, SEEK_CUR) == 4);
  char text[256];
  ssize_t n = pread(stat, text, sizeof text - 1, 0);
  check("thread-self/stat is this thread's", n > 0 && strtol(text, NULL, 10) == syscall(SYS_gettid));
  check("with its close-on-exec flag", fcntl(stat, F_GETFD) == FD_CLOEXEC);
  n = pread(maps, text, sizeof text - 1, 0);
  check("maps reads", n > 0);
  return finish();
}
