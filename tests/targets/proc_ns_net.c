/* open("/proc/self/ns/net") gives an fd of the net namespace (a regular
 * file of nsfs, named net:[INODE]), which restore cannot reopen by path:
 * the snapshot is taken at that open, and every instance makes it for real.
 * snappy-test: trigger=at openat\(AT_FDCWD, "/proc/self/ns/net", O_RDONLY\) \(opens /proc/self/ns/net, a namespace \(net:\[[0-9]+\]\), which restore cannot reopen\)
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "target_check.h"

int main(void) {
  struct stat named;
  if (stat("/proc/self/ns/net", &named) != 0) return 2;
  setup_done("about to open /proc/self/ns/net");
  int fd = open("/proc/self/ns/net", O_RDONLY);
  struct stat st;
  check("it opens", fd >= 0 && fstat(fd, &st) == 0);
  check("the fd is the namespace /proc/self/ns/net names", fd >= 0 && st.st_ino == named.st_ino && st.st_dev == named.st_dev);
  char link[64] = "", target[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, target, sizeof target - 1);
  check("its fd names net:[INODE]", n > 0 && (target[n] = 0, !strncmp(target, "net:[", strlen("net:["))));
  return finish();
}
