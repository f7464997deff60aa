/* Output written before the checkpoint is replayed by restore: printf +
 * fflush, write(2) and writev(2) to stdout and stderr, a large write, and a
 * printf left in stdio's buffer (memory, not output: it must appear once).
 * snappy-test: variants=pie,no-pie
 */
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "target_check.h"

static void write_all(int fd, const char *s) {
  size_t n = strlen(s);
  while (n > 0) {
    ssize_t w = write(fd, s, n);
    if (w <= 0) exit(3);
    s += w;
    n -= (size_t)w;
  }
}

int main(void) {
  printf("1: printf then fflush\n");
  fflush(stdout);
  write_all(1, "2: write(2) to stdout\n");
  write_all(2, "2: write(2) to stderr\n");
  fprintf(stderr, "3: fprintf to unbuffered stderr\n");
  struct iovec iov[3] = {{"4: writev ", 10}, {"in three ", 9}, {"pieces\n", 7}};
  if (writev(1, iov, 3) != 26) return 3;
  /* 256 KiB in one fwrite: more than a pipe holds, replayed in full. */
  static char big[256 * 1024];
  for (size_t i = 0; i < sizeof big; i++) big[i] = (i % 64 == 63) ? '\n' : 'a' + i % 26;
  fwrite(big, 1, sizeof big, stdout);
  fflush(stdout);
  /* stdout is a file or pipe here, so fully buffered: this line is still in
   * stdio's buffer at the checkpoint and is written by exit(). */
  printf("5: printf left in the stdio buffer\n");
  snappy_checkpoint();
  printf("6: printf after the checkpoint\n");
  write_all(1, "7: write(2) after the checkpoint\n");
  fprintf(stderr, "8: stderr after the checkpoint\n");
  return 0;
}
