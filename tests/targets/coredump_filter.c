/* The program writes its own /proc/self/coredump_filter before the snapshot
 * point (the JVM does at startup): the recording goes on (the value is the
 * mm's, written for real as in a cold run), capture records the value it
 * left and restore writes it into the instance, so reading it afterwards
 * answers as in a cold run, not the caller's value (0x33 by default).
 * One fd opened for writing stays open across the snapshot point (each
 * instance reopens its own /proc/self file) and is written through after it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "target_check.h"

static unsigned long read_filter(void) {
  char buf[32] = {0};
  int fd = open("/proc/self/coredump_filter", O_RDONLY);
  if (fd < 0 || read(fd, buf, sizeof buf - 1) <= 0) return ~0ul;
  close(fd);
  return strtoul(buf, NULL, 16);
}

static int write_filter(int fd, const char *value) {
  return lseek(fd, 0, SEEK_SET) == 0 && write(fd, value, strlen(value)) == (ssize_t)strlen(value);
}

int main(void) {
  int fd = open("/proc/self/coredump_filter", O_RDWR);
  check("open for writing", fd >= 0);
  check("write 0x25", write_filter(fd, "0x25"));
  close(fd);
  check("reads 0x25 before the snapshot point", read_filter() == 0x25);
  int held = open("/proc/self/coredump_filter", O_RDWR | O_CLOEXEC);
  check("second fd", held >= 0);
  setup_done("coredump_filter 0x25, one fd held open");
  snappy_checkpoint();
  printf("coredump_filter = 0x%lx\n", read_filter());
  check("still 0x25 after it", read_filter() == 0x25);
  check("held fd is close-on-exec", fcntl(held, F_GETFD) == FD_CLOEXEC);
  check("write 0x7 through the held fd", write_filter(held, "0x7"));
  check("reads 0x7", read_filter() == 0x7);
  return finish();
}
