/* The recorder sets no_new_privs in the recorded process to install its
 * seccomp filter; the program must see the caller's value all the same,
 * before the snapshot point (while recorded) and after it (restored).
 */
#include <sys/prctl.h>

#include "target_check.h"

int main(void) {
  printf("setup: PR_GET_NO_NEW_PRIVS = %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  fflush(stdout);

  snappy_checkpoint();

  printf("after: PR_GET_NO_NEW_PRIVS = %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  return finish();
}
