/* Prints its resource limits, umask and working directory after the
 * checkpoint. A restored instance must show the limits of its restoring
 * caller (as a cold run started there would), except those the program set
 * itself before the checkpoint, and the recorded umask and cwd.
 *
 *   limits_probe                     print
 *   limits_probe set-nofile N        setrlimit(RLIMIT_NOFILE, {N, hard})
 *                                    before the checkpoint, then print
 *   limits_probe write PATH BYTES    after the checkpoint, write BYTES to
 *                                    PATH in one write(2) each 1 KiB and
 *                                    say how it went (RLIMIT_FSIZE: SIGXFSZ
 *                                    kills, or EFBIG if it is ignored)
 *   limits_probe write-ign PATH BYTES  the same with SIGXFSZ ignored (set
 *                                    before the checkpoint)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snappy_checkpoint.h"

static void print_limit(const char *name, int resource) {
  struct rlimit r;
  getrlimit(resource, &r);
  printf("%s ", name);
  if (r.rlim_cur == RLIM_INFINITY) printf("unlimited "); else printf("%llu ", (unsigned long long)r.rlim_cur);
  if (r.rlim_max == RLIM_INFINITY) printf("unlimited\n"); else printf("%llu\n", (unsigned long long)r.rlim_max);
}

static int write_file(const char *path, long bytes) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return printf("open: %s\n", strerror(errno)), 1;
  char block[1024];
  memset(block, 'x', sizeof block);
  long done = 0;
  while (done < bytes) {
    ssize_t n = write(fd, block, sizeof block);
    if (n < 0) return printf("wrote %ld then %s\n", done, strerror(errno)), 1;
    done += n;
  }
  printf("wrote %ld\n", done);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "set-nofile") == 0) {
    struct rlimit r;
    getrlimit(RLIMIT_NOFILE, &r);
    r.rlim_cur = strtoull(argv[2], NULL, 10);
    if (setrlimit(RLIMIT_NOFILE, &r) != 0) return perror("setrlimit"), 2;
  }
  if (argc == 4 && strcmp(argv[1], "write-ign") == 0) signal(SIGXFSZ, SIG_IGN);
  snappy_checkpoint();
  if (argc == 4) return write_file(argv[2], atol(argv[3]));
  print_limit("cpu", RLIMIT_CPU);
  print_limit("fsize", RLIMIT_FSIZE);
  print_limit("nofile", RLIMIT_NOFILE);
  print_limit("stack", RLIMIT_STACK);
  mode_t mask = umask(0);
  printf("umask %03o\n", (unsigned)mask);
  char cwd[4096];
  printf("cwd %s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
  return 0;
}
