/* read(2) takes its fd as an unsigned int: an fd register of 0x100000000
 * reads fd 0, the caller's stdin. The filter's "fd >= 3" rule compares all
 * 64 bits, so without its upper-half check such a read went by unseen and
 * the recording read input that belongs to the restored instance. It must
 * be the snapshot point, and each instance then reads its own stdin.
 * snappy-test: trigger=at read\(
 */
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "target_check.h"

int main(void) {
  setup_done("nothing to set up");
  char c = 0;
  long n = syscall(SYS_read, 0x100000000L, &c, 1); /* the snapshot point */
  printf("read returned %ld\n", n);
  check("stdin (/dev/null or a closed input) gave no byte", n <= 0);
  return finish();
}
