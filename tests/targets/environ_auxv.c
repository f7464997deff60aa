/* What the kernel put on the initial stack, and what it shows in /proc,
 * after the checkpoint: argv, the environment, auxv entries (page size,
 * AT_RANDOM's 16 bytes, AT_EXECFN) and /proc/self/cmdline and environ
 * (restore sets the mm's arg/env ranges back to the program's).
 * snappy-test: args=first,second argument,third
 */
#include <fcntl.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "target_check.h"

extern char **environ;

/* 1 if /proc/self/NAME equals the NUL-separated strings v[0..n). */
static int proc_matches(const char *name, char **v, int n) {
  static char got[1 << 20], want[1 << 20];
  char path[64];
  snprintf(path, sizeof path, "/proc/self/%s", name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  size_t len = 0;
  ssize_t r;
  while ((r = read(fd, got + len, sizeof got - len)) > 0) len += (size_t)r;
  close(fd);
  size_t wlen = 0;
  for (int i = 0; i < n; i++) {
    size_t l = strlen(v[i]) + 1;
    if (wlen + l > sizeof want) return 0;
    memcpy(want + wlen, v[i], l);
    wlen += l;
  }
  return len == wlen && memcmp(got, want, len) == 0;
}

int main(int argc, char **argv) {
  unsigned char random_copy[16];
  const unsigned char *at_random = (const unsigned char *)getauxval(AT_RANDOM);
  if (!at_random) return 2;
  memcpy(random_copy, at_random, 16);
  printf("setup: argc=%d\n", argc);
  fflush(stdout);

  snappy_checkpoint();

  for (int i = 1; i < argc; i++) printf("argv[%d] = %s\n", i, argv[i]);
  check("argv[argc] is NULL", argv[argc] == NULL);
  int envc = 0;
  while (environ[envc]) envc++;
  check("environment not empty", envc > 0);
  check("PATH set", getenv("PATH") != NULL);
  check("AT_PAGESZ is 4096", getauxval(AT_PAGESZ) == 4096);
  check("AT_RANDOM still points at the same 16 bytes",
        getauxval(AT_RANDOM) == (unsigned long)at_random && memcmp(at_random, random_copy, 16) == 0);
  const char *execfn = (const char *)getauxval(AT_EXECFN);
  check("AT_EXECFN is argv[0]", execfn && strcmp(execfn, argv[0]) == 0);
  check("AT_PHDR points at an ELF program header table", getauxval(AT_PHDR) != 0 &&
                                                             getauxval(AT_PHENT) == 56);
  check("/proc/self/cmdline is argv", proc_matches("cmdline", argv, argc));
  check("/proc/self/environ is the environment", proc_matches("environ", environ, envc));
  return finish();
}
