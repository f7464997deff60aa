/* munmap of whole and partial mappings before the checkpoint: what was
 * unmapped stays unmapped after it, what remains keeps its contents and
 * protections.
 * snappy-test: learn=yes
 */
#include "maps_util.h"
#include "target_check.h"

static int pattern_ok(const unsigned char *p, size_t n, unsigned char seed) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != (unsigned char)(seed + i * 13)) return 0;
  return 1;
}

static void fill(unsigned char *p, size_t n, unsigned char seed) {
  for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(seed + i * 13);
}

int main(void) {
  static_stdout_buffer();
  const int rw = PROT_READ | PROT_WRITE;
  const int flags = MAP_PRIVATE | MAP_ANONYMOUS;

  /* A: unmapped whole. */
  unsigned char *a = mmap(NULL, 4 * PAGE, rw, flags, -1, 0);
  /* B: 8 pages; unmap the head page, pages 2-3 and the tail page 7. */
  unsigned char *b = mmap(NULL, 8 * PAGE, rw, flags, -1, 0);
  /* C: 4 pages, two VMAs (RW | R); unmap pages 1-2, across the boundary. */
  unsigned char *c = mmap(NULL, 4 * PAGE, rw, flags, -1, 0);
  if (a == MAP_FAILED || b == MAP_FAILED || c == MAP_FAILED) return 2;
  fill(a, 4 * PAGE, 1);
  fill(b, 8 * PAGE, 2);
  fill(c, 4 * PAGE, 3);
  if (mprotect(c + 2 * PAGE, 2 * PAGE, PROT_READ) != 0) return 2;
  if (munmap(a, 4 * PAGE) != 0 || munmap(b, PAGE) != 0 ||
      munmap(b + 2 * PAGE, 2 * PAGE) != 0 || munmap(b + 7 * PAGE, PAGE) != 0 ||
      munmap(c + PAGE, 2 * PAGE) != 0)
    return 2;
  setup_done("unmapped a whole mapping, head/middle/tail pieces of another, "
             "and a range across two VMAs");

  snappy_checkpoint();

  /* Probe everything first, print afterwards (printing may allocate). */
  static struct map_entry maps[4096];
  int n = read_maps(maps, 4096);
  int a_gone = !maps_overlap(maps, n, (uintptr_t)a, (uintptr_t)a + 4 * PAGE);
  for (int i = 0; i < 4; i++) a_gone &= page_mapped(a + i * PAGE) == 0;
  int b_holes_gone = 1, b_rest_mapped = 1;
  for (int i = 0; i < 8; i++) {
    int hole = i == 0 || i == 2 || i == 3 || i == 7;
    int mapped = page_mapped(b + i * PAGE);
    int in_maps = maps_overlap(maps, n, (uintptr_t)b + i * PAGE,
                               (uintptr_t)b + (i + 1) * PAGE);
    if (hole) b_holes_gone &= mapped == 0 && !in_maps;
    else b_rest_mapped &= mapped == 1 && in_maps;
  }
  int b_contents = pattern_ok(b + PAGE, PAGE, (unsigned char)(2 + PAGE * 13)) &&
                   pattern_ok(b + 4 * PAGE, 3 * PAGE, (unsigned char)(2 + 4 * PAGE * 13));
  b[PAGE] = 0x5a;
  b[6 * PAGE + 7] = 0xa5;
  int b_writable = b[PAGE] == 0x5a && b[6 * PAGE + 7] == 0xa5;
  int c_hole_gone = page_mapped(c + PAGE) == 0 && page_mapped(c + 2 * PAGE) == 0 &&
                    !maps_overlap(maps, n, (uintptr_t)c + PAGE, (uintptr_t)c + 3 * PAGE);
  const struct map_entry *c0 = maps_find(maps, n, (uintptr_t)c);
  const struct map_entry *c3 = maps_find(maps, n, (uintptr_t)c + 3 * PAGE);
  int c_perms = c0 && c3 && strncmp(c0->perms, "rw", 2) == 0 &&
                strncmp(c3->perms, "r-", 2) == 0;
  int c_contents = pattern_ok(c, PAGE, 3) &&
                   pattern_ok(c + 3 * PAGE, PAGE, (unsigned char)(3 + 3 * PAGE * 13));

  check("maps readable", n > 0);
  check("whole mapping stays unmapped", a_gone);
  check("head, middle and tail holes stay unmapped", b_holes_gone);
  check("remaining pages mapped", b_rest_mapped);
  check("remaining pages keep their contents", b_contents);
  check("remaining pages writable", b_writable);
  check("hole across two VMAs stays unmapped", c_hole_gone);
  check("pieces around it keep rw and r protections", c_perms);
  check("pieces around it keep their contents", c_contents);
  return finish();
}
