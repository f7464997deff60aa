/* Hundreds of mappings: 500 anonymous mappings of 1-4 pages with rotating
 * protections (rw, r, r-x), each filled with its own byte pattern before
 * the checkpoint; contents and protections all verified after it.
 */
#include <stdint.h>

#include "maps_util.h"
#include "target_check.h"

#define COUNT 500

static unsigned char *addr[COUNT];

static size_t pages_of(int i) { return 1 + (size_t)(i * 7 % 4); }
static int prot_of(int i) {
  static const int prots[3] = {PROT_READ | PROT_WRITE, PROT_READ, PROT_READ | PROT_EXEC};
  return prots[i % 3];
}
static const char *perms_of(int i) {
  static const char *perms[3] = {"rw-p", "r--p", "r-xp"};
  return perms[i % 3];
}
static unsigned char byte_of(int i, size_t off) {
  return (unsigned char)(i * 31 + off * 7 + off / PAGE);
}

int main(void) {
  size_t total = 0;
  for (int i = 0; i < COUNT; i++) {
    size_t len = pages_of(i) * PAGE;
    addr[i] = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (addr[i] == MAP_FAILED) return 2;
    for (size_t off = 0; off < len; off++) addr[i][off] = byte_of(i, off);
    if (prot_of(i) != (PROT_READ | PROT_WRITE) && mprotect(addr[i], len, prot_of(i)) != 0)
      return 2;
    total += pages_of(i);
  }
  printf("setup: %d mappings, %zu pages, protections rw/r/r-x\n", COUNT, total);
  fflush(stdout);

  snappy_checkpoint();

  static struct map_entry maps[8192];
  int n = read_maps(maps, 8192);
  int contents = 0, perms = 0, writable = 0;
  for (int i = 0; i < COUNT; i++) {
    size_t len = pages_of(i) * PAGE;
    int ok = 1;
    for (size_t off = 0; off < len; off++) ok &= addr[i][off] == byte_of(i, off);
    contents += ok;
    const struct map_entry *m = maps_find(maps, n, (uintptr_t)addr[i]);
    const struct map_entry *e = maps_find(maps, n, (uintptr_t)addr[i] + len - 1);
    perms += m && e && strcmp(m->perms, perms_of(i)) == 0 &&
             strcmp(e->perms, perms_of(i)) == 0;
    if (i % 3 == 0) {
      addr[i][len - 1] ^= 0xff;
      writable += addr[i][len - 1] == (unsigned char)~byte_of(i, len - 1);
    }
  }
  printf("mappings with intact contents: %d/%d\n", contents, COUNT);
  printf("mappings with expected protections: %d/%d\n", perms, COUNT);
  printf("rw mappings writable: %d/%d\n", writable, (COUNT + 2) / 3);
  check("all verified", contents == COUNT && perms == COUNT && writable == (COUNT + 2) / 3);
  return finish();
}
