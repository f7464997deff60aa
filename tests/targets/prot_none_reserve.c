/* A PROT_NONE reservation (as allocators and JVMs make) with a committed
 * window stays reserved after the checkpoint: /proc/self/maps shows ---p
 * around rw-p, MAP_FIXED_NOREPLACE into it fails with EEXIST, touching a
 * reserved page faults, and committing more of it works.
 * Also restored with --anon=exact (stored pages read in, not mapped).
 * snappy-test: also-restore=--anon=exact
 * snappy-test: learn=yes
 */
#include <stdint.h>

#include "fault_util.h"
#include "maps_util.h"
#include "target_check.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define RESERVE_PAGES 256

int main(void) {
  if (install_fault_handler() != 0) return 2;
  unsigned char *r = mmap(NULL, RESERVE_PAGES * PAGE, PROT_NONE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (r == MAP_FAILED) return 2;
  if (mprotect(r + 16 * PAGE, 4 * PAGE, PROT_READ | PROT_WRITE) != 0) return 2;
  memset(r + 16 * PAGE, 0x77, 4 * PAGE);
  setup_done("reserved 256 PROT_NONE pages, committed 4 of them");

  snappy_checkpoint();

  static struct map_entry maps[4096];
  int n = read_maps(maps, 4096);
  const struct map_entry *lo = maps_find(maps, n, (uintptr_t)r);
  const struct map_entry *mid = maps_find(maps, n, (uintptr_t)r + 16 * PAGE);
  const struct map_entry *hi = maps_find(maps, n, (uintptr_t)r + 20 * PAGE);
  check("reservation below the window is ---p",
        lo && strcmp(lo->perms, "---p") == 0 && lo->start <= (uintptr_t)r &&
            lo->end == (uintptr_t)r + 16 * PAGE);
  check("committed window is rw-p",
        mid && strcmp(mid->perms, "rw-p") == 0 && mid->start == (uintptr_t)r + 16 * PAGE &&
            mid->end == (uintptr_t)r + 20 * PAGE);
  check("reservation above the window is ---p",
        hi && strcmp(hi->perms, "---p") == 0 && hi->start == (uintptr_t)r + 20 * PAGE &&
            hi->end >= (uintptr_t)r + RESERVE_PAGES * PAGE);
  errno = 0;
  void *q = mmap(r + 100 * PAGE, PAGE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  check("MAP_FIXED_NOREPLACE into it fails with EEXIST", q == MAP_FAILED && errno == EEXIST);
  if (q != MAP_FAILED) munmap(q, PAGE);
  check("reserved page faults", read_faults(r + 200 * PAGE));
  int committed = 1;
  for (size_t i = 0; i < 4 * PAGE; i++) committed &= r[16 * PAGE + i] == 0x77;
  check("committed window keeps contents", committed);
  check("committing more works",
        mprotect(r + 40 * PAGE, PAGE, PROT_READ | PROT_WRITE) == 0 &&
            !write_faults(r + 40 * PAGE, 1) && r[40 * PAGE] == 1 && r[40 * PAGE + 1] == 0);
  return finish();
}
