/* Names given to anonymous memory with prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME)
 * before the checkpoint (as PHP's allocator and Go's runtime do) are plain
 * process state: the recording goes on to the marker, and after it the
 * "[anon:NAME]" names in /proc/self/maps and the regions' bytes are the same
 * restored as cold. One region is named and then renamed. On a kernel
 * without CONFIG_ANON_VMA_NAME the calls fail with EINVAL and change
 * nothing, and both runs print no names.
 * Also restored with --anon=exact (stored pages read in, not mapped).
 * snappy-test: also-restore=--anon=exact
 * snappy-test: learn=yes
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include <stdio.h>
#include "target_check.h"

#define SIZE (4 * 4096)
#define SET_VMA 0x53564d41
#define SET_VMA_ANON_NAME 0

static int name_region(void *start, const char *name) {
  if (prctl(SET_VMA, SET_VMA_ANON_NAME, (unsigned long)start, SIZE, (unsigned long)name) == 0) return 1;
  return errno == EINVAL ? 0 : -1;
}

/* The maps name of the entry starting at `start`, or "(no name)". */
static void print_name(const char *what, void *start) {
  char header[32], line[512];
  const char *name = "(no name)";
  snprintf(header, sizeof header, "%lx-", (unsigned long)start);
  FILE *f = fopen("/proc/self/maps", "r");
  while (f && fgets(line, sizeof line, f)) {
    if (strncmp(line, header, strlen(header)) != 0) continue;
    char *anon = strstr(line, "[anon:");
    if (anon) {
      anon[strcspn(anon, "\n")] = 0;
      name = anon;
    }
    break;
  }
  printf("%s: %s\n", what, name);
  if (f) fclose(f);
}

static uint64_t checksum(const unsigned char *p, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

int main(void) {
  static_stdout_buffer();
  /* Two regions with a gap between, so the kernel keeps them apart. */
  unsigned char *area = mmap(NULL, 3 * SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (area == MAP_FAILED) return 2;
  unsigned char *a = area, *b = area + 2 * SIZE;
  munmap(area + SIZE, SIZE);
  for (size_t i = 0; i < SIZE; i++) {
    a[i] = (unsigned char)(i * 7);
    b[i] = (unsigned char)(i * 13 + 1);
  }
  int first = name_region(a, "snappy first");
  int renamed = name_region(a, "snappy renamed");
  int other = name_region(b, "snappy-other");
  if (first < 0 || renamed < 0 || other < 0) return 2;
  if (first != renamed || first != other) return 2;
  setup_done("two anonymous regions written and named (one renamed)");

  snappy_checkpoint();

  print_name("region a", a);
  print_name("region b", b);
  printf("checksum a: %016llx\n", (unsigned long long)checksum(a, SIZE));
  printf("checksum b: %016llx\n", (unsigned long long)checksum(b, SIZE));
  check("regions still writable", (a[0] = 1, b[0] = 2, a[0] == 1 && b[0] == 2));
  return finish();
}
