/* What restore's failure tests record. Each mode sets something up before
 * its checkpoint and reports after it, on stdout:
 *   restore_probe fd N          the cwd opened and moved to fd N
 *   restore_probe out BYTES     BYTES of a numbered pattern written to
 *                               stdout before the checkpoint (replayed)
 *   restore_probe sleep MS      sleeps MS milliseconds after the checkpoint
 *   restore_probe jit           code in anonymous memory made executable
 *                               (NAME.pages then holds executable pages)
 * and prints "restored" or "cold" after the checkpoint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "snappy_checkpoint.h"

static void write_pattern(long bytes) {
  static char block[65536];
  long done = 0;
  while (done < bytes) {
    long n = bytes - done < (long)sizeof block ? bytes - done : (long)sizeof block;
    for (long i = 0; i < n; ++i) block[i] = (done + i) % 61 == 60 ? '\n' : "0123456789abcdef"[((done + i) / 61) % 16];
    for (long off = 0; off < n;) {
      ssize_t w = write(1, block + off, n - off);
      if (w <= 0) exit(3);
      off += w;
    }
    done += n;
  }
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  long value = argc > 2 ? atol(argv[2]) : 0;
  int (*code)(void) = 0;
  if (strcmp(mode, "fd") == 0) {
    int fd = open(".", O_RDONLY);
    if (fd < 0 || dup2(fd, (int)value) != value) return 2;
  } else if (strcmp(mode, "out") == 0) {
    write_pattern(value);
  } else if (strcmp(mode, "jit") == 0) {
    unsigned char *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return 2;
    static const unsigned char ret42[] = {0xb8, 42, 0, 0, 0, 0xc3}; /* mov $42, %eax; ret */
    memcpy(p, ret42, sizeof ret42);
    if (mprotect(p, 4096, PROT_READ | PROT_EXEC) != 0) return 2;
    code = (int (*)(void))p;
  }
  int restored = snappy_checkpoint();
  if (strcmp(mode, "sleep") == 0) {
    struct timespec t = {value / 1000, (value % 1000) * 1000000};
    nanosleep(&t, 0);
  }
  /* A slow reader of a non-blocking stdout (replay_test.sh) must get this
   * line too: stdio would drop it at EAGAIN. */
  fcntl(1, F_SETFL, fcntl(1, F_GETFL) & ~O_NONBLOCK);
  if (code) printf("jit %d\n", code());
  printf("%s\n", restored ? "restored" : "cold");
  return 0;
}
