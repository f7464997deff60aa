/* Private anonymous memory written before the snapshot point and grown
 * with mremap after it: the new part reads zeros, as anonymous memory's
 * growth does (mremap(2)), not the bytes of whatever memory NAME.pages
 * stores next (here another region of the program, full of 'b'). Grown in
 * place (the pages after it are free) and moved (MREMAP_MAYMOVE with its
 * neighbour in the way).
 *
 * Restored with --anon=exact. The default, --anon=mapped, maps these pages
 * from NAME.pages, whose following bytes are the next region's (README
 * "Anonymous memory"): asserted to differ from the cold run.
 * snappy-test: restore-args=--anon=exact
 * snappy-test: default-differs=yes
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>

#include "target_check.h"

#define PAGE 4096

static int all_bytes(const char *p, size_t n, char value) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != value) return 0;
  return 1;
}

int main(void) {
  static_stdout_buffer();
  /* a (2 pages) | free (2 pages) | b (2 pages) | c (2 pages, touching b) */
  char *area = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (area == MAP_FAILED) return 2;
  char *a = area, *b = area + 4 * PAGE, *c = area + 6 * PAGE;
  munmap(area + 2 * PAGE, 2 * PAGE);
  memset(a, 'a', 2 * PAGE);
  memset(b, 'b', 2 * PAGE);
  /* c is a mapping of its own: read-only, so the kernel keeps it apart from
   * b, which cannot grow in place. */
  memset(c, 'c', 2 * PAGE);
  mprotect(c, 2 * PAGE, PROT_READ);
  setup_done("regions a, b, c written, a free gap after a");

  snappy_checkpoint();

  char *grown = mremap(a, 2 * PAGE, 4 * PAGE, 0);
  check("a grows in place into the gap", grown == a);
  if (grown == a) {
    check("a keeps its bytes", all_bytes(a, 2 * PAGE, 'a'));
    check("a's new pages read zeros", all_bytes(a + 2 * PAGE, 2 * PAGE, 0));
  }
  char *moved = mremap(b, 2 * PAGE, 6 * PAGE, MREMAP_MAYMOVE);
  check("b grows by moving", moved != MAP_FAILED);
  if (moved != MAP_FAILED) {
    check("b keeps its bytes", all_bytes(moved, 2 * PAGE, 'b'));
    check("b's new pages read zeros", all_bytes(moved + 2 * PAGE, 4 * PAGE, 0));
  }
  check("c is untouched", all_bytes(c, 2 * PAGE, 'c'));
  return finish();
}
