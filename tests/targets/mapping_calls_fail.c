/* Mapping calls that fail before the checkpoint (ptracer lets these run to
 * their exit stop: it applies mmap, munmap and mprotect at their entry only
 * where success is predicted, ptracer/entry_prediction.h), mixed with ones
 * it applies at entry: the failures change nothing, in the kernel or in the
 * recorder's model, and the successes are all there after restore.
 */
#include <errno.h>
#include <stdlib.h>

#include "maps_util.h"
#include "target_check.h"

int main(void) {
  static_stdout_buffer();
  const int rw = PROT_READ | PROT_WRITE;
  unsigned char *m = mmap(NULL, 4 * PAGE, rw, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return 2;
  for (size_t i = 0; i < 4 * PAGE; i++) m[i] = (unsigned char)(i * 7 + 1);
  if (munmap(m + 2 * PAGE, PAGE) != 0) return 2; /* a hole at page 2 */

  int e_prot_unaligned = mprotect(m + 1, PAGE, PROT_READ) == -1 && errno == EINVAL;
  int e_prot_hole = mprotect(m + 2 * PAGE, 2 * PAGE, PROT_READ) == -1 && errno == ENOMEM;
  int e_unmap_unaligned = munmap(m + 1, PAGE) == -1 && errno == EINVAL;
  int e_unmap_empty = munmap(m, 0) == -1 && errno == EINVAL;
  int e_fixed_badfd = mmap(m, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED, 999, 0) == MAP_FAILED && errno == EBADF;
  int e_noreplace = mmap(m, PAGE, rw, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED &&
                    errno == EEXIST;
  /* Predicted successes: page 0 read-only, page 3 replaced by fresh zeros. */
  int ok_prot = mprotect(m, PAGE, PROT_READ) == 0;
  int ok_fixed = mmap(m + 3 * PAGE, PAGE, rw, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == m + 3 * PAGE;
  /* malloc's brk fails while recording (docs/DESIGN.md): big blocks, many
   * brk calls answered at their entry after the first. */
  unsigned char *blocks[16];
  for (int i = 0; i < 16; i++) {
    blocks[i] = malloc(100000);
    if (!blocks[i]) return 2;
    for (int j = 0; j < 100000; j++) blocks[i][j] = (unsigned char)(i + j);
  }
  setup_done("failed mprotect, munmap and MAP_FIXED mmap calls; mprotect and MAP_FIXED that succeed; "
             "malloc of 16 blocks");

  snappy_checkpoint();

  static struct map_entry maps[4096];
  int n = read_maps(maps, 4096);
  const struct map_entry *p0 = maps_find(maps, n, (uintptr_t)m);
  const struct map_entry *p1 = maps_find(maps, n, (uintptr_t)m + PAGE);
  const struct map_entry *p3 = maps_find(maps, n, (uintptr_t)m + 3 * PAGE);
  int contents = 1;
  for (size_t i = 0; i < 2 * PAGE; i++) contents &= m[i] == (unsigned char)(i * 7 + 1);
  int zeros = 1;
  for (size_t i = 3 * PAGE; i < 4 * PAGE; i++) zeros &= m[i] == 0;
  int blocks_ok = 1;
  for (int i = 0; i < 16; i++)
    for (int j = 0; j < 100000; j++) blocks_ok &= blocks[i][j] == (unsigned char)(i + j);

  check("mprotect of an unaligned address failed with EINVAL", e_prot_unaligned);
  check("mprotect starting in a hole failed with ENOMEM", e_prot_hole);
  check("munmap of an unaligned address failed with EINVAL", e_unmap_unaligned);
  check("munmap of length 0 failed with EINVAL", e_unmap_empty);
  check("MAP_FIXED of a closed fd failed with EBADF", e_fixed_badfd);
  check("MAP_FIXED_NOREPLACE over a mapping failed with EEXIST", e_noreplace);
  check("mprotect and MAP_FIXED succeeded", ok_prot && ok_fixed);
  check("page 0 read-only, page 1 read-write", p0 && p1 && strncmp(p0->perms, "r--", 3) == 0 &&
                                                    strncmp(p1->perms, "rw-", 3) == 0);
  check("page 2 stays a hole", page_mapped(m + 2 * PAGE) == 0 &&
                                   !maps_overlap(maps, n, (uintptr_t)m + 2 * PAGE, (uintptr_t)m + 3 * PAGE));
  check("page 3 mapped read-write", p3 && strncmp(p3->perms, "rw-", 3) == 0);
  check("pages 0-1 keep their contents, page 3 is zeros", contents && zeros);
  check("malloc'd blocks keep their contents", blocks_ok);
  return finish();
}
