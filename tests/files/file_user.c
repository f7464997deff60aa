/* Uses files across the snapshot point: reads DATA through an fd and a
 * private mapping, holds LOG open for append (written only after the
 * checkpoint), and a directory fd used with openat afterwards.
 * usage: file_user DATA LOG DIR */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "snappy_checkpoint.h"

int main(int argc, char** argv) {
  if (argc != 4) return 2;
  int data = open(argv[1], O_RDONLY);
  int log = open(argv[2], O_WRONLY | O_APPEND);
  int dir = open(argv[3], O_RDONLY | O_DIRECTORY);
  if (data < 0 || log < 0 || dir < 0) return 3;
  char head[11] = {0};
  if (read(data, head, 10) != 10) return 4;
  const char* mapped = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, data, 0);
  if (mapped == MAP_FAILED) return 5;
  printf("head: %s\n", head);
  fflush(stdout);

  snappy_checkpoint();

  char rest[64] = {0};
  ssize_t n = read(data, rest, sizeof(rest) - 1);
  printf("rest: %.*s", (int)(n > 0 ? n : 0), rest);
  printf("mapped: %.10s\n", mapped);
  if (write(log, "entry\n", 6) != 6) return 6;
  int f = openat(dir, "inside", O_RDONLY);
  char in[32] = {0};
  if (f < 0 || read(f, in, sizeof(in) - 1) <= 0) return 7;
  printf("inside: %s", in);
  return 0;
}
