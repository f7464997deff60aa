/* Opens in a program of one thread take no exit stop while recording: the
 * model predicts the lowest free fd (ptracer/deferred_open.cc), which
 * closes keep changing. Numbers closed below many open ones, a file opened
 * and closed between two opens, a dup whose original is closed, and an
 * open after closing all but the lowest: after the checkpoint every fd
 * names the file it named cold, and the closed ones stay closed. (Written
 * for a trial that let closes go by unstopped and asked /proc at each
 * open; the stops it saved did not show in the recording's time, so it
 * was not kept, but the model must get these numbers right either way.)
 * snappy-test: args=@SRCDIR@
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "target_check.h"

enum { kMany = 12 };

static int is_closed(int fd) { return fcntl(fd, F_GETFD) == -1 && errno == EBADF; }

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  static_stdout_buffer();
  struct source_files f;
  if (!find_source_files(&f, argv[1], "fd_reused_numbers.c")) return 2;
  const char *lines = f.lines, *self = f.self;

  /* 3..14 open; then 5 and 11 closed: the next opens take 5, then 11
   * (more held numbers than ptracer asks one by one). */
  int fds[kMany];
  for (int i = 0; i < kMany; ++i) {
    fds[i] = open(i % 2 ? self : lines, O_RDONLY);
    if (fds[i] != 3 + i) return 2;
  }
  if (close(5) != 0 || close(11) != 0) return 2;
  int at5 = open(self, O_RDONLY);   /* 5 again, but now fd_reused_numbers.c */
  int at11 = open(lines, O_RDONLY); /* 11 again, now input_lines.txt */
  /* Opened and closed with nothing stopping in between, then a dup of 4
   * and 4 closed: the dup keeps the description. */
  int brief = open(lines, O_RDONLY); /* 15 */
  char buf[16];
  if (brief < 0 || read(brief, buf, 5) != 5 || close(brief) != 0) return 2;
  int dup4 = dup(4); /* 15 again */
  if (dup4 < 0 || close(4) != 0) return 2;
  int again = open(lines, O_RDONLY); /* 4 */
  /* Everything above 3 closed, then one open: 4 again. */
  for (int fd = 5; fd <= 14; ++fd) close(fd);
  int last = open(self, O_RDONLY); /* 5 */
  if (at5 < 0 || at11 < 0 || again < 0 || last < 0 || read(last, buf, 7) != 7) return 2;
  setup_done("opened 12 files, closed some without the recorder seeing it, reopened their numbers");

  snappy_checkpoint();

  check("reopened numbers as cold: 5, 11, dup 15, 4, then 5",
        at5 == 5 && at11 == 11 && brief == 15 && dup4 == 15 && again == 4 && last == 5);
  check("fd 3 names input_lines.txt", fd_names(3, lines));
  check("fd 4 names input_lines.txt (reopened)", fd_names(4, lines));
  check("fd 5 names fd_reused_numbers.c at offset 7", fd_names(5, self) && lseek(5, 0, SEEK_CUR) == 7);
  check("fd 15 (the dup of the closed 4) names fd_reused_numbers.c", fd_names(15, self));
  int closed = 1;
  for (int fd = 6; fd <= 14; ++fd) closed &= is_closed(fd);
  check("fds 6-14 and 16 closed", closed && is_closed(16));
  return finish();
}
