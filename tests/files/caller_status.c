/* Changes to the status flags of the caller's fds 0-2 before the snapshot
 * point (Node's ioctl(FIONBIO) on stdout, gawk's O_APPEND on stderr) are
 * the caller's description changing, as in a cold run: ptracer records
 * them, restore makes them again. Prints what F_GETFL says before and
 * after the checkpoint.
 *   caller_status set     O_APPEND (F_SETFL) and O_NONBLOCK (FIONBIO) on
 *                         fd 1, O_APPEND on fd 2
 *   caller_status clear   clears O_APPEND of fd 1 (F_SETFL)
 *   caller_status async   O_ASYNC on fd 1: not modelled, a snapshot point
 *   caller_status query   only prints fd 1's flags (no checkpoint)
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "snappy_checkpoint.h"

static void show(const char *when, int fd) {
  char line[128];
  int flags = fcntl(fd, F_GETFL);
  int n = snprintf(line, sizeof line, "%s: fd %d append=%d nonblock=%d\n", when, fd,
                   (flags & O_APPEND) != 0, (flags & O_NONBLOCK) != 0);
  if (write(1, line, (size_t)n) != n) _exit(3);
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "set";
  if (strcmp(mode, "query") == 0) {
    show("now", 1);
    return 0;
  }
  int flags = fcntl(1, F_GETFL);
  if (strcmp(mode, "set") == 0) {
    int on = 1;
    if (fcntl(1, F_SETFL, flags | O_APPEND) != 0 || ioctl(1, FIONBIO, &on) != 0) return 4;
    if (fcntl(2, F_SETFL, fcntl(2, F_GETFL) | O_APPEND) != 0) return 4;
  } else if (strcmp(mode, "clear") == 0) {
    if (fcntl(1, F_SETFL, flags & ~O_APPEND) != 0) return 4;
  } else if (strcmp(mode, "async") == 0) {
    if (fcntl(1, F_SETFL, flags | O_ASYNC) != 0) return 4;
  }
  show("before", 1);
  snappy_checkpoint();
  show("after", 1);
  show("after", 2);
  if (strcmp(mode, "async") == 0) fcntl(1, F_SETFL, flags);  /* no SIGIO for the caller later */
  return 0;
}
