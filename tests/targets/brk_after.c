/* brk after the checkpoint. While recorded, brk fails (the recorder makes
 * it fail so malloc uses mmap), in a cold run it works: so nothing about brk
 * is printed before the checkpoint. After it, sbrk(1 MiB) must work.
 * snappy-test: learn=yes
 */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "target_check.h"

int main(void) {
  /* Let malloc initialize (and, while recorded, find brk failing). */
  char *warm = malloc(1000);
  if (!warm) return 2;
  strcpy(warm, "heap");
  setup_done("malloc initialized");

  snappy_checkpoint();

  const size_t len = 1 << 20;
  unsigned char *p = sbrk((intptr_t)len);
  int ok = p != (void *)-1;
  if (ok) {
    for (size_t i = 0; i < len; i++) p[i] = (unsigned char)(i * 3);
    for (size_t i = 0; i < len; i++) ok &= p[i] == (unsigned char)(i * 3);
    ok &= sbrk(0) == p + len;
    ok &= sbrk(-(intptr_t)len) != (void *)-1 && sbrk(0) == p;
  }
  printf("%s\n", ok ? "brk ok" : "brk FAILED");
  check("malloc still works", strcmp(warm, "heap") == 0 && malloc(1 << 16) != NULL);
  if (!ok) target_failures++;
  return finish();
}
