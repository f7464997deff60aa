/* mlockall(MCL_FUTURE) is state of the address space that no /proc file
 * shows: the last successful mlockall or munlockall decides it. Here
 * MCL_FUTURE|MCL_ONFAULT, then munlockall, then MCL_FUTURE: a mapping made
 * after the snapshot point is locked (lo, without lf) restored as cold,
 * and those made before show what each call left them.
 * snappy-test: learn=yes
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "target_check.h"
#include "vmflags_check.h"

#define PAGE 4096
#define WORDS "lo lf"

/* Pages of a PROT_NONE reservation with one between each: the kernel
 * merges no two of them whatever their locks. */
static char *area;
static char *map_page(int i) {
  char *p = mmap(area + 2 * i * PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  if (p == MAP_FAILED) {
    perror("mmap");
    exit(2);
  }
  *p = 'x';
  return p;
}

int main(void) {
  static_stdout_buffer();
  area = mmap(NULL, 8 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (area == MAP_FAILED) return 2;
  if (mlockall(MCL_FUTURE | MCL_ONFAULT)) {
    perror("mlockall");
    return 2;
  }
  char *onfault = map_page(0);
  print_vmflags("before: under MCL_FUTURE|MCL_ONFAULT", onfault, WORDS);
  if (munlockall()) return 2;
  char *none = map_page(1);
  print_vmflags("before: the first, after munlockall", onfault, WORDS);
  print_vmflags("before: under nothing", none, WORDS);
  if (mlockall(MCL_FUTURE)) return 2;
  char *future = map_page(2);
  print_vmflags("before: under MCL_FUTURE", future, WORDS);
  setup_done("mlockall(MCL_FUTURE|MCL_ONFAULT), munlockall, mlockall(MCL_FUTURE)");

  snappy_checkpoint();

  print_vmflags("after: the first", onfault, WORDS);
  print_vmflags("after: under nothing", none, WORDS);
  print_vmflags("after: under MCL_FUTURE", future, WORDS);
  char *later = map_page(3);
  print_vmflags("after: a new mapping", later, WORDS);
  check("the pages kept their byte", *onfault == 'x' && *none == 'x' && *future == 'x' && *later == 'x');
  return finish();
}
