/* Prints its resource limits, umask and working directory after the
 * checkpoint: a restored instance must show what the recorded process had,
 * not what its restoring caller has. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snappy_checkpoint.h"

int main(void) {
  snappy_checkpoint();
  struct rlimit r;
  getrlimit(RLIMIT_NOFILE, &r);
  printf("nofile %llu %llu\n", (unsigned long long)r.rlim_cur, (unsigned long long)r.rlim_max);
  getrlimit(RLIMIT_STACK, &r);
  printf("stack %llu\n", (unsigned long long)r.rlim_cur);
  mode_t mask = umask(0);
  printf("umask %03o\n", (unsigned)mask);
  char cwd[4096];
  printf("cwd %s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
  return 0;
}
