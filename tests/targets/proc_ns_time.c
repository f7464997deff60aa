/* open("/proc/self/ns/time") gives an fd of the time namespace (a regular
 * file of nsfs, named time:[INODE]), which restore cannot reopen by path:
 * the snapshot is taken at that open, and every instance makes it for real.
 * snappy-test: trigger=at openat\(AT_FDCWD, "/proc/self/ns/time", O_RDONLY\) \(opens /proc/self/ns/time, a namespace \(time:\[[0-9]+\]\), which restore cannot reopen\)
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "target_check.h"

int main(void) {
  struct stat named;
  if (stat("/proc/self/ns/time", &named) != 0) return 2;
  setup_done("about to open /proc/self/ns/time");
  int fd = open("/proc/self/ns/time", O_RDONLY);
  struct stat st;
  check("it opens", fd >= 0 && fstat(fd, &st) == 0);
  check("the fd is the namespace /proc/self/ns/time names", fd >= 0 && st.st_ino == named.st_ino && st.st_dev == named.st_dev);
  char link[64] = "", target[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, target, sizeof target - 1);
  check("its fd names time:[INODE]", n > 0 && (target[n] = 0, !strncmp(target, "time:[", strlen("time:["))));
  return finish();
}
