/* close(2) takes its fd as an unsigned int: 0x100000002 closes fd 2, the
 * caller's stderr. The close handler must judge the fd as the kernel does
 * (and a filter rule "fd >= 3" comparing all 64 bits would let it by): it
 * is the snapshot point, and each instance then closes its own stderr.
 * snappy-test: trigger=at close\(
 */
#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "target_check.h"

int main(void) {
  setup_done("nothing to set up");
  long rc = syscall(SYS_close, 0x100000002L); /* the snapshot point */
  printf("close returned %ld\n", rc);
  check("stderr is closed afterwards", write(2, "x", 1) == -1 && errno == EBADF);
  return finish();
}
