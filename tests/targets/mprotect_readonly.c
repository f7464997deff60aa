/* mprotect before the checkpoint: a page made read-only is still readable
 * and writing it faults (SEGV_ACCERR at that address), a PROT_NONE page
 * faults on read, a page protected and unprotected again is writable.
 * snappy-test: learn=yes
 */
#include <stdint.h>

#include "fault_util.h"
#include "maps_util.h"
#include "target_check.h"

int main(void) {
  if (install_fault_handler() != 0) return 2;
  unsigned char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return 2;
  for (int i = 0; i < 4; i++) memset(p + i * PAGE, 'a' + i, PAGE);
  /* page 0 rw, page 1 r, page 2 none, page 3 r then rw again */
  if (mprotect(p + PAGE, PAGE, PROT_READ) != 0 ||
      mprotect(p + 2 * PAGE, PAGE, PROT_NONE) != 0 ||
      mprotect(p + 3 * PAGE, PAGE, PROT_READ) != 0 ||
      mprotect(p + 3 * PAGE, PAGE, PROT_READ | PROT_WRITE) != 0)
    return 2;
  setup_done("SIGSEGV handler; pages rw, r, none, r-then-rw");

  snappy_checkpoint();

  check("read-only page readable", p[PAGE] == 'b' && p[2 * PAGE - 1] == 'b');
  int wf = write_faults(p + PAGE + 100, 'x');
  check("writing the read-only page faults", wf);
  check("fault is SEGV_ACCERR at that address",
        wf && fault_code == SEGV_ACCERR && fault_addr == (void *)(p + PAGE + 100));
  check("read-only page unchanged", p[PAGE + 100] == 'b');
  check("reading the PROT_NONE page faults", read_faults(p + 2 * PAGE));
  check("rw page writable", !write_faults(p + 10, 'y') && p[10] == 'y');
  check("re-enabled page writable", !write_faults(p + 3 * PAGE, 'z') &&
                                        p[3 * PAGE] == 'z' && p[3 * PAGE + 1] == 'd');
  check("mprotect read-only page to rw works",
        mprotect(p + PAGE, PAGE, PROT_READ | PROT_WRITE) == 0 &&
            !write_faults(p + PAGE, 'w') && p[PAGE] == 'w');
  return finish();
}
