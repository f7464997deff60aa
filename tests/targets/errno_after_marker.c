/* errno right after snappy_checkpoint() is what it was before the call, in
 * a cold run (where the marker's access fails with ENOENT) and restored
 * (where it succeeds): the header saves and restores errno around it, so a
 * program reading errno later (perror, a language runtime's $!) behaves the
 * same either way.
 */
#include <errno.h>
#include <stdio.h>

#include "target_check.h"

int main(void) {
  setup_done("errno set to EINTR");
  errno = EINTR;
  snappy_checkpoint();
  int after = errno;
  printf("errno after the marker = %d\n", after);
  check("errno is still EINTR", after == EINTR);
  return finish();
}
