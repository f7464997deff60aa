// A mapping asked for at a hint inside restore's window (0x200000000000),
// as runtimes that mmap at random hints (V8) sometimes do: the kernel must
// place it elsewhere while recorded (elf_loader reserves the window), so the
// recording reaches its marker instead of being refused, and the data made
// before the snapshot point is intact after it. The address itself is not
// printed: cold, the kernel honours the hint.
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

#include "snappy_checkpoint.h"

int main(void) {
  const size_t size = 1 << 20;
  void* hints[] = {(void*)0x200010000000, (void*)0x20003ff00000};
  unsigned char* maps[2];
  for (int i = 0; i < 2; ++i) {
    maps[i] = mmap(hints[i], size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (maps[i] == MAP_FAILED) return perror("mmap"), 1;
    for (size_t j = 0; j < size; j += 512) maps[i][j] = (unsigned char)(j / 512 + i);
  }
  snappy_checkpoint();
  uint64_t sum = 0;
  for (int i = 0; i < 2; ++i)
    for (size_t j = 0; j < size; ++j) sum = sum * 31 + maps[i][j];
  printf("sum %llu\n", (unsigned long long)sum);
  return 0;
}
