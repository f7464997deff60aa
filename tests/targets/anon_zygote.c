/* 8 MiB of private anonymous memory written before the snapshot point,
 * then after it: wait for stdin's end (restore/anon_instances_test.sh holds
 * instances there to read their memory figures; here stdin is /dev/null),
 * drop the first MiB with MADV_DONTNEED and check that it reads zeros while
 * the rest keeps its bytes. Restored with --anon=exact; the default mode is
 * asserted to differ (README "Anonymous memory").
 * snappy-test: restore-args=--anon=exact
 * snappy-test: default-differs=yes
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "target_check.h"

#define SIZE (8 << 20)
#define DROPPED (1 << 20)

int main(void) {
  static_stdout_buffer();
  char *area = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (area == MAP_FAILED) return 2;
  memset(area, 'z', SIZE);
  setup_done("8 MiB of private anonymous memory written");

  snappy_checkpoint();

  char c;
  while (read(0, &c, 1) > 0) {
  }
  check("MADV_DONTNEED accepted", madvise(area, DROPPED, MADV_DONTNEED) == 0);
  int zeros = 1, kept = 1;
  for (long i = 0; i < DROPPED; i++) zeros &= area[i] == 0;
  for (long i = DROPPED; i < SIZE; i++) kept &= area[i] == 'z';
  check("the dropped MiB reads zeros", zeros);
  check("the other 7 MiB keep their bytes", kept);
  return finish();
}
