/* open("/proc/self/fd/N") of a pipe end makes a new description of that
 * pipe, which restore cannot reopen by any path: the snapshot is taken at
 * that open, and every instance makes it for real on its own restored pipe
 * (with the byte that was in it).
 * snappy-test: trigger=at openat\(AT_FDCWD, "/proc/self/fd/[0-9]+", O_RDONLY\) \(opens /proc/self/fd/[0-9]+, a pipe \(pipe:\[[0-9]+\]\), not a regular file or directory\)
 */
#include <fcntl.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "target_check.h"

int main(void) {
  int p[2];
  if (pipe(p) != 0 || write(p[1], "hello", 5) != 5 || fcntl(p[0], F_SETFL, O_NONBLOCK) != 0) return 2;
  setup_done("a pipe holding 5 bytes, its read end nonblocking");
  char path[64], buf[8];
  snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
  int again = open(path, O_RDONLY);
  check("/proc/self/fd/N of the read end opens", again >= 0 && again != p[0]);
  check("a new description: blocking, unlike the read end", again >= 0 && !(fcntl(again, F_GETFL) & O_NONBLOCK));
  check("it reads what was in the pipe", read(again, buf, sizeof buf) == 5 && !memcmp(buf, "hello", 5));
  check("the pipe is empty now", read(p[0], buf, 1) == -1 && errno == EAGAIN);
  check("a byte written later reaches it", write(p[1], "!", 1) == 1 && read(again, buf, 1) == 1 && buf[0] == '!');
  return finish();
}
