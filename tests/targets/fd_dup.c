/* Duplicated fds share one open file description, so one offset: dup,
 * dup2 and fcntl(F_DUPFD_CLOEXEC) copies made before the checkpoint must
 * still share it after (reopening each by path would not).
 * snappy-test: args=@SRCDIR@
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "target_check.h"

#define LINE 56

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  char path[4096];
  snprintf(path, sizeof path, "%s/input_lines.txt", argv[1]);
  int a = open(path, O_RDONLY);
  if (a < 0) return 2;
  int b = dup(a);
  int c = dup2(a, 50);
  int d = fcntl(a, F_DUPFD_CLOEXEC, 60);
  if (b < 0 || c != 50 || d < 60) return 2;
  char buf[LINE];
  if (read(a, buf, LINE) != LINE) return 2;
  setup_done("one file, four fds (dup, dup2 to 50, F_DUPFD_CLOEXEC >= 60); read 1 line");

  snappy_checkpoint();

  int ok = 1;
  char expect[16];
  for (int i = 0; i < 4; i++) {
    int fd = (int[]){b, c, d, a}[i];
    snprintf(expect, sizeof expect, "line %04d:", i + 2);
    ok &= read(fd, buf, LINE) == LINE && memcmp(buf, expect, 10) == 0;
  }
  check("reads through the four fds continue one shared offset", ok);
  check("all four report offset 5 lines",
        lseek(a, 0, SEEK_CUR) == 5 * LINE && lseek(b, 0, SEEK_CUR) == 5 * LINE &&
            lseek(c, 0, SEEK_CUR) == 5 * LINE && lseek(d, 0, SEEK_CUR) == 5 * LINE);
  check("only the F_DUPFD_CLOEXEC copy is close-on-exec",
        fcntl(d, F_GETFD) == FD_CLOEXEC && fcntl(a, F_GETFD) == 0 &&
            fcntl(b, F_GETFD) == 0 && fcntl(c, F_GETFD) == 0);
  lseek(c, 0, SEEK_SET);
  check("lseek on one moves all", lseek(a, 0, SEEK_CUR) == 0 && lseek(d, 0, SEEK_CUR) == 0);
  return finish();
}
