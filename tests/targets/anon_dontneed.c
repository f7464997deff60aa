/* Private anonymous memory written before the snapshot point is still
 * anonymous after it: MADV_DONTNEED makes it read zeros (madvise(2): "for
 * private anonymous mappings, zero-fill-on-demand pages"), not the bytes it
 * held at the snapshot point, and MADV_FREE, which the kernel accepts only on
 * private anonymous memory (EINVAL on a file mapping), is accepted, and
 * /proc/self/maps shows it as anonymous. jemalloc relies on the first two:
 * after a purge, calloc hands out memory without zeroing it.
 *
 * Restored with --anon=exact. The default, --anon=mapped, maps these pages
 * from NAME.pages, where all three differ (README "Anonymous memory"):
 * run_target.sh asserts that its output is not the cold run's.
 * snappy-test: restore-args=--anon=exact
 * snappy-test: default-differs=yes
 * And as 2 instances of restore -n 2 --anon=exact, which share one copy.
 * snappy-test: also-restore=-n,2
 * snappy-test: learn=yes
 */
#include <string.h>
#include <sys/mman.h>

#include "target_check.h"

#define PAGES 8
#define SIZE (PAGES * 4096)

/* Whether /proc/self/maps shows the mapping holding `p` as anonymous
 * memory: inode 0 and no path (a file mapping names its file). */
static int anonymous_in_maps(const void *p) {
  char line[512];
  int anonymous = 0;
  FILE *f = fopen("/proc/self/maps", "r");
  while (f && fgets(line, sizeof line, f)) {
    unsigned long start, end, inode;
    char path[256] = "";
    if (sscanf(line, "%lx-%lx %*s %*s %*s %lu %255s", &start, &end, &inode, path) < 3) continue;
    if ((unsigned long)p >= start && (unsigned long)p < end) anonymous = inode == 0 && path[0] == 0;
  }
  if (f) fclose(f);
  return anonymous;
}

static int all_bytes(const char *p, size_t n, char value) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != value) return 0;
  return 1;
}

int main(void) {
  static_stdout_buffer();
  char *area = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *other = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (area == MAP_FAILED || other == MAP_FAILED) return 2;
  memset(area, 'a', SIZE);
  memset(other, 'o', SIZE);
  setup_done("two private anonymous regions of 8 pages written");

  snappy_checkpoint();

  check("the region holds its bytes", all_bytes(area, SIZE, 'a'));
  check("/proc/self/maps shows it as anonymous memory", anonymous_in_maps(area));
  check("MADV_DONTNEED accepted", madvise(area, SIZE / 2, MADV_DONTNEED) == 0);
  check("its first half reads zeros after MADV_DONTNEED", all_bytes(area, SIZE / 2, 0));
  check("its second half keeps its bytes", all_bytes(area + SIZE / 2, SIZE / 2, 'a'));
  area[0] = 'z';
  check("a page dropped and written again holds the new byte", area[0] == 'z' && area[1] == 0);
  check("MADV_FREE accepted", madvise(other, SIZE, MADV_FREE) == 0);
  other[0] = 'n';
  check("a page written after MADV_FREE keeps the write", other[0] == 'n');
  return finish();
}
