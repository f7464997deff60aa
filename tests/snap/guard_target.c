// A target for guard_pages_test.sh: 8 anonymous pages, each filled with its
// own byte ('A' + index), the third made a guard page (madvise
// MADV_GUARD_INSTALL, Linux 6.13: its PTE becomes a marker, any access
// faults), and a private mapping of the file argv[1] (if given). Prints
// "ready PID ADDR" and then waits on stdin (snap's case) or, with
// "--marker", calls the checkpoint marker (ptracer's case, which must
// refuse the guard page) and prints "restored" or "cold".
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

int main(int argc, char** argv) {
  const size_t page = 4096;
  unsigned char* p = mmap(NULL, 8 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return perror("mmap"), 1;
  for (int i = 0; i < 8; ++i) memset(p + i * page, 'A' + i, page);
  if (madvise(p + 2 * page, page, MADV_GUARD_INSTALL) != 0) {
    printf("no-guard %s\n", strerror(errno));  // EINVAL before 6.13
    return 0;
  }
  int marker = argc > 1 && strcmp(argv[1], "--marker") == 0;
  if (argc > 1 && !marker) {
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0 || mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED) return perror(argv[1]), 1;
  }
  printf("ready %d %lx\n", (int)getpid(), (unsigned long)(uintptr_t)p);
  fflush(stdout);
  if (marker) {
    int restored = access("/proc/snappy-start/checkpoint", F_OK) == 0;
    printf("%s\n", restored ? "restored" : "cold");
    return 0;
  }
  char line[64];
  if (!fgets(line, sizeof line, stdin)) return 1;
  printf("line %s", line);
  return p[0] == 'A' && p[7 * page] == 'H' ? 0 : 1;
}
