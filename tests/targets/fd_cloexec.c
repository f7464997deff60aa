/* An fd opened with O_CLOEXEC keeps FD_CLOEXEC after restore, also when
 * the reopened file lands directly on its recorded number (a low one, the
 * first free), and one opened without it stays without.
 * snappy-test: args=@SRCDIR@
 */
#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "target_check.h"

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  char path[4096];
  snprintf(path, sizeof path, "%s/input_lines.txt", argv[1]);
  int a = open(path, O_RDONLY | O_CLOEXEC);
  int b = open(path, O_RDONLY);
  int e = eventfd(0, EFD_CLOEXEC);
  if (a < 0 || b < 0 || e < 0) return 2;
  printf("setup: O_CLOEXEC fd F_GETFD=%d, plain fd F_GETFD=%d\n", fcntl(a, F_GETFD), fcntl(b, F_GETFD));
  fflush(stdout);

  snappy_checkpoint();

  printf("after: O_CLOEXEC fd F_GETFD=%d, plain fd F_GETFD=%d\n", fcntl(a, F_GETFD), fcntl(b, F_GETFD));
  check("the O_CLOEXEC fd is close-on-exec", fcntl(a, F_GETFD) == FD_CLOEXEC);
  check("the other is not", fcntl(b, F_GETFD) == 0);
  check("the EFD_CLOEXEC eventfd is close-on-exec", fcntl(e, F_GETFD) == FD_CLOEXEC);
  check("the O_CLOEXEC fd is the first above stderr", a == 3);
  return finish();
}
