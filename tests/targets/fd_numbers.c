/* Opens in a program of one thread take no exit stop while recording (the
 * fd is the lowest free one, and whether the open succeeded is read at the
 * next stop: ptracer/deferred_open.cc). Opens that fail, a reused number
 * below others, a dup between them and a directory opened relative to
 * another: after the checkpoint every fd names the file it named cold, at
 * its offset, and the numbers never made stay closed.
 * snappy-test: args=@SRCDIR@
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "target_check.h"

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  static_stdout_buffer();
  struct source_files f;
  if (!find_source_files(&f, argv[1], "fd_numbers.c")) return 2;
  const char *dir = f.dir, *lines = f.lines, *self = f.self;
  int a = open(lines, O_RDONLY);                 /* 3 */
  int b = open(self, O_RDONLY | O_CLOEXEC);      /* 4 */
  int c = open(dir, O_RDONLY | O_DIRECTORY);     /* 5 */
  int missing = open("/nonexistent/snappy-fd-numbers", O_RDONLY);
  int e_missing = errno;
  int bad_dir = openat(999, "x", O_RDONLY);
  int e_bad_dir = errno;
  if (a < 0 || b < 0 || c < 0) return 2;
  if (close(b) != 0) return 2;
  int d = openat(c, "input_lines.txt", O_RDONLY); /* 4 again */
  int dup_a = dup(a);                             /* 6 */
  int e = open(self, O_RDONLY);                   /* 7 */
  char buf[100];
  if (d < 0 || dup_a < 0 || e < 0 || read(a, buf, 10) != 10 || read(e, buf, 20) != 20) return 2;
  setup_done("opened 3 files and a directory, two opens that fail, closed one and reopened its number, a dup");

  snappy_checkpoint();

  check("fd numbers 3, 4, 5, 6, 7 as cold", a == 3 && d == 4 && c == 5 && dup_a == 6 && e == 7);
  check("failed opens returned -1 with ENOENT and EBADF",
        missing == -1 && e_missing == ENOENT && bad_dir == -1 && e_bad_dir == EBADF);
  check("fds 3 and 6 name input_lines.txt", fd_names(3, lines) && fd_names(6, lines));
  check("fd 4 names input_lines.txt, opened relative to fd 5", fd_names(4, lines));
  check("fd 5 names the directory", fd_names(5, dir));
  check("fd 7 names fd_numbers.c", fd_names(7, self));
  check("fd 8 was never made", fcntl(8, F_GETFD) == -1 && errno == EBADF);
  check("fd 3 and its dup continue at offset 10", lseek(a, 0, SEEK_CUR) == 10 && lseek(dup_a, 0, SEEK_CUR) == 10);
  check("fd 7 continues at offset 20, fd 4 at 0", lseek(e, 0, SEEK_CUR) == 20 && lseek(d, 0, SEEK_CUR) == 0);
  return finish();
}
