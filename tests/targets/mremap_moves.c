/* mremap before the checkpoint: a mapping grown (and so moved), one
 * shrunk, one moved to a chosen address with MREMAP_FIXED. Contents follow
 * the mappings; the places they left stay unmapped.
 * Also restored with --anon=exact (stored pages read in, not mapped).
 * snappy-test: also-restore=--anon=exact
 * snappy-test: learn=yes
 */
#define _GNU_SOURCE
#include <stdint.h>

#include "maps_util.h"
#include "target_check.h"

static int pattern_ok(const unsigned char *p, size_t n, int seed) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != (unsigned char)(seed + i * 5)) return 0;
  return 1;
}

static void fill(unsigned char *p, size_t n, int seed) {
  for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(seed + i * 5);
}

int main(void) {
  static_stdout_buffer();
  const int rw = PROT_READ | PROT_WRITE, flags = MAP_PRIVATE | MAP_ANONYMOUS;
  /* grow: 2 pages -> 16; a read-only third page behind them (its own VMA)
   * makes the kernel move it */
  unsigned char *g = mmap(NULL, 3 * PAGE, rw, flags, -1, 0);
  unsigned char *s = mmap(NULL, 8 * PAGE, rw, flags, -1, 0);
  unsigned char *m = mmap(NULL, 4 * PAGE, rw, flags, -1, 0);
  unsigned char *dest = mmap(NULL, 64 * PAGE, PROT_NONE, flags, -1, 0);
  if (g == MAP_FAILED || s == MAP_FAILED || m == MAP_FAILED || dest == MAP_FAILED) return 2;
  if (mprotect(g + 2 * PAGE, PAGE, PROT_READ) != 0) return 2;
  fill(g, 2 * PAGE, 1);
  fill(s, 8 * PAGE, 2);
  fill(m, 4 * PAGE, 3);
  unsigned char *old_g = g;
  g = mremap(g, 2 * PAGE, 16 * PAGE, MREMAP_MAYMOVE);
  if (g == MAP_FAILED) return 2;
  fill(g + 2 * PAGE, 14 * PAGE, 4);
  if (mremap(s, 8 * PAGE, 3 * PAGE, 0) != s) return 2;
  unsigned char *target = dest + 32 * PAGE;
  if (mremap(m, 4 * PAGE, 4 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target) != target) return 2;
  if (g == old_g) return 2;
  setup_done("grown 2->16 pages (moved), shrunk 8->3, moved 4 into a reservation");

  snappy_checkpoint();

  check("grown mapping keeps old and new contents",
        pattern_ok(g, 2 * PAGE, 1) && pattern_ok(g + 2 * PAGE, 14 * PAGE, 4));
  check("grown mapping's old place unmapped",
        page_mapped(old_g) == 0 && page_mapped(old_g + PAGE) == 0);
  check("its read-only neighbour stays", page_mapped(old_g + 2 * PAGE) == 1 &&
                                             old_g[2 * PAGE] == 0);
  check("shrunk mapping keeps 3 pages", pattern_ok(s, 3 * PAGE, 2));
  int tail_gone = 1;
  for (int i = 3; i < 8; i++) tail_gone &= page_mapped(s + i * PAGE) == 0;
  check("shrunk tail unmapped", tail_gone);
  check("moved mapping at its fixed place", pattern_ok(target, 4 * PAGE, 3));
  check("moved mapping's old place unmapped",
        page_mapped(m) == 0 && page_mapped(m + 3 * PAGE) == 0);
  static struct map_entry maps[4096];
  int n = read_maps(maps, 4096);
  const struct map_entry *below = maps_find(maps, n, (uintptr_t)target - PAGE);
  const struct map_entry *at = maps_find(maps, n, (uintptr_t)target);
  check("reservation around the moved mapping intact",
        below && strcmp(below->perms, "---p") == 0 && at && strcmp(at->perms, "rw-p") == 0);
  g[16 * PAGE - 1] = 9;
  check("grown mapping writable at its end", g[16 * PAGE - 1] == 9);
  return finish();
}
