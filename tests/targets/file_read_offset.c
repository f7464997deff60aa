/* Files opened before the checkpoint and read partially: after it, reading
 * continues at the right offset, through a plain fd, a stdio FILE (its
 * buffer is memory, its fd is further on), an fd at a high number with
 * FD_CLOEXEC, and a directory fd used with openat. A closed fd stays closed.
 * snappy-test: args=@SRCDIR@
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "target_check.h"

#define LINE 56  /* every line of input_lines.txt is 56 bytes */

static int expected(const char *path, off_t off, size_t n, char *out) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t r = pread(fd, out, n, off);
  close(fd);
  return r == (ssize_t)n;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  char path[4096];
  snprintf(path, sizeof path, "%s/input_lines.txt", argv[1]);
  int fd = open(path, O_RDONLY);
  if (fd < 0) return 2;
  char buf[1024];
  if (read(fd, buf, 3 * LINE) != 3 * LINE) return 2;
  printf("setup: fd read 3 lines, first: %.*s", LINE, buf);
  FILE *f = fopen(path, "r");
  if (!f) return 2;
  char line[256];
  for (int i = 0; i < 5; i++)
    if (!fgets(line, sizeof line, f)) return 2;
  printf("setup: FILE read 5 lines, last: %s", line);
  int tmp = open(path, O_RDONLY | O_CLOEXEC);
  if (tmp < 0 || dup3(tmp, 100, O_CLOEXEC) != 100) return 2;
  close(tmp);
  if (lseek(100, 10 * LINE, SEEK_SET) != 10 * LINE) return 2;
  int dir = open(argv[1], O_RDONLY | O_DIRECTORY);
  if (dir < 0) return 2;
  int closed = open(path, O_RDONLY);
  if (closed < 0) return 2;
  close(closed);
  printf("setup: fd 100 (FD_CLOEXEC) at line 11, a directory fd, a closed fd\n");
  fflush(stdout);

  snappy_checkpoint();

  char want[1024];
  check("fd continues at line 4", read(fd, buf, LINE) == LINE &&
                                      expected(path, 3 * LINE, LINE, want) &&
                                      memcmp(buf, want, LINE) == 0);
  printf("fd line 4: %.*s", LINE, buf);
  check("fd offset is 4 lines", lseek(fd, 0, SEEK_CUR) == 4 * LINE);
  check("FILE continues at line 6", fgets(line, sizeof line, f) &&
                                        expected(path, 5 * LINE, LINE, want) &&
                                        memcmp(line, want, LINE) == 0);
  printf("FILE line 6: %s", line);
  /* Read past stdio's first buffer: the fd behind it must be at its offset. */
  int lines = 6;
  while (fgets(line, sizeof line, f)) lines++;
  check("FILE reads to the end (300 lines)", lines == 300);
  check("fd 100 at line 11", lseek(100, 0, SEEK_CUR) == 10 * LINE &&
                                 read(100, buf, LINE) == LINE &&
                                 expected(path, 10 * LINE, LINE, want) &&
                                 memcmp(buf, want, LINE) == 0);
  check("fd 100 has FD_CLOEXEC", fcntl(100, F_GETFD) == FD_CLOEXEC);
  check("fd without O_CLOEXEC has none", fcntl(fd, F_GETFD) == 0);
  check("fd is O_RDONLY", (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY);
  errno = 0;
  check("closed fd stays closed", fcntl(closed, F_GETFD) == -1 && errno == EBADF);
  int via_dir = openat(dir, "input_lines.txt", O_RDONLY | O_CLOEXEC);
  check("openat through the directory fd", via_dir >= 0 && read(via_dir, buf, LINE) == LINE &&
                                               memcmp(buf, "line 0001:", 10) == 0);
  return finish();
}
