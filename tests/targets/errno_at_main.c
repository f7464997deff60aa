/* errno at main's start is what the C library's startup left there: 0 in
 * a dynamically linked glibc program, recorded or cold, although brk is
 * made to fail while recording (printed before the snapshot point, so this
 * is the replayed output). Known differences, not fixable from the
 * recorder (glibc's __brk stores ENOMEM in user space after the syscall,
 * at a TLS address only libc knows): a static glibc program reads
 * errno = 12 at main's start while recorded (its startup's sbrk for the
 * TLS block fails), and so does any program after a malloc served by brk.
 */
#include <errno.h>
#include <stdio.h>

#include "target_check.h"

int main(void) {
  int at_start = errno;
  printf("setup: errno at main's start = %d\n", at_start);
  fflush(stdout);

  snappy_checkpoint();

  return finish();
}
