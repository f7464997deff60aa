/* Holds 1 MiB of incompressible heap, so that every file written from its
 * snapshot (NAME.pages, a pack, a core) is larger than a small full
 * filesystem. Recorded: snapshots at the checkpoint marker, then prints a
 * checksum. With --wait: prints "ready PID" and waits to be snapshotted live
 * (snap) until killed.
 * usage: full_disk_target [--wait] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snappy_checkpoint.h"

int main(int argc, char** argv) {
  size_t size = 1 << 20;
  unsigned char* heap = malloc(size);
  if (!heap) return 3;
  uint64_t x = 88172645463325252ull;  /* xorshift64 */
  for (size_t i = 0; i < size; i += 8) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    memcpy(heap + i, &x, 8);
  }
  if (argc > 1 && strcmp(argv[1], "--wait") == 0) {
    printf("ready %d\n", (int)getpid());
    fflush(stdout);
    for (;;) pause();
  }
  snappy_checkpoint();
  uint32_t sum = 0;
  for (size_t i = 0; i < size; ++i) sum = sum * 31 + heap[i];
  printf("sum %u\n", sum);
  return 0;
}
