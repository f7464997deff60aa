/* What snapfs serves, checked by snapfs_test.sh: fills a static buffer with
 * a known pattern (byte i = (i * 31 + 7) & 0xff), holds DATA open (fd 3)
 * and mapped privately, prints both addresses, then marks the snapshot
 * point inside a known call chain (main -> level_one -> level_two) so that
 * gdb's backtrace on the core names them.
 * usage: fs_target DATA */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "snappy_checkpoint.h"

#define PATTERN_SIZE (3 * 4096)
static unsigned char pattern[PATTERN_SIZE];
volatile int fs_target_depth;

__attribute__((noinline)) static int level_two(void) {
  fs_target_depth = 2;
  int restored = snappy_checkpoint();
  fs_target_depth = 0;
  return restored;
}

__attribute__((noinline)) static int level_one(void) {
  fs_target_depth = 1;
  return level_two() + 0 * fs_target_depth;
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  int fd = open(argv[1], O_RDONLY);
  if (fd != 3) return 3;
  const char* mapped = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
  if (mapped == MAP_FAILED) return 4;
  for (int i = 0; i < PATTERN_SIZE; ++i) pattern[i] = (unsigned char)(i * 31 + 7);
  printf("pattern: %p %d\n", (void*)pattern, PATTERN_SIZE);
  printf("mapped: %p\n", (void*)mapped);
  fflush(stdout);
  level_one();
  printf("done: %d\n", pattern[100] + mapped[0]);
  return 0;
}
