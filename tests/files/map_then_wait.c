/* Maps FILE privately and, with "wait", waits (before its snapshot point)
 * until FILE is no longer the file it mapped: the test deletes or replaces
 * it meanwhile; with "hold", sleeps 10 s (for snap). Prints the first 10
 * mapped bytes after the snapshot point.
 * usage: map_then_wait FILE now|wait|hold */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "snappy_checkpoint.h"

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) return 3;
  struct stat mapped;
  if (fstat(fd, &mapped) != 0) return 4;
  const char* m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED) return 5;
  close(fd);
  (void)*(volatile const char*)m;  /* in memory: snap stores present pages only */
  printf("mapped\n");
  fflush(stdout);
  if (strcmp(argv[2], "wait") == 0) {
    struct stat st;
    const struct timespec ms = {0, 1000000};
    for (int i = 0; i < 10000; ++i) {  /* at most about 10 s */
      if (stat(argv[1], &st) != 0 || st.st_ino != mapped.st_ino) break;
      nanosleep(&ms, NULL);
    }
  }
  if (strcmp(argv[2], "hold") == 0) sleep(10);
  snappy_checkpoint();
  printf("content: %.10s\n", m);
  return 0;
}
