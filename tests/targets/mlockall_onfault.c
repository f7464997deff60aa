/* mlockall(MCL_FUTURE | MCL_ONFAULT) before the snapshot point: a mapping
 * made after it is locked on fault (lo lf), restored as cold: VmLck grows
 * by the whole mapping (the kernel counts every page of a locked VMA) but
 * only the page touched is resident (without MCL_ONFAULT all four would be
 * faulted in).
 */
#include <sys/mman.h>
#include <unistd.h>

#include "target_check.h"
#include "vmflags_check.h"

#define PAGE 4096

int main(void) {
  static_stdout_buffer();
  if (mlockall(MCL_FUTURE | MCL_ONFAULT)) {
    perror("mlockall");
    return 2;
  }
  setup_done("mlockall(MCL_FUTURE | MCL_ONFAULT)");

  snappy_checkpoint();

  long before = locked_kib();
  char *later = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (later == MAP_FAILED) return 2;
  later[0] = 'x';
  print_vmflags("after: a new mapping", later, "lo lf");
  printf("after: the new mapping adds %ld kB to VmLck\n", locked_kib() - before);
  unsigned char vec[4];
  mincore(later, 4 * PAGE, vec);
  printf("after: resident pages of it: %d %d %d %d\n", vec[0] & 1, vec[1] & 1, vec[2] & 1, vec[3] & 1);
  return finish();
}
