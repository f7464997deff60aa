/* A program snapshotted inside a known call chain, for the gdb core test
 * (core_gdb_test.sh): main -> outer -> middle -> inner -> access() of the
 * checkpoint marker. Built -g -O0 so gdb shows every frame and variable. */
#include <stdio.h>
#include <string.h>

#include "snappy_checkpoint.h"

int some_global = 0x5eed;
static unsigned char pattern[4096];

__attribute__((noinline)) int inner(int depth) {
  int restored = snappy_checkpoint();
  return restored + depth;
}

__attribute__((noinline)) int middle(int depth) { return inner(depth + 1) + 1; }

__attribute__((noinline)) int outer(int depth) { return middle(depth + 1) + 1; }

int main(void) {
  for (size_t i = 0; i < sizeof pattern; ++i) pattern[i] = (unsigned char)(0xa0 + i % 4);
  some_global = 0x12345678;
  int r = outer(1);
  printf("core_target: %d %#x\n", r, some_global);
  return 0;
}
