/* Prints what a program can observe of how it was started: its auxv, its
 * initial stack and what /proc says about it. Every line must be the same
 * whether the kernel or elf_loader started it (addresses are only compared,
 * never printed). Exits 1 if a check fails.
 *
 * Built as non-PIE, PIE, static and static-pie (tests/elf_loader). */
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern const ElfW(Ehdr) __ehdr_start; /* from the linker: our own header */
extern char _start[];

static int failures;

static void check(const char *what, int ok) {
  printf("%s: %s\n", what, ok ? "yes" : "no");
  if (!ok) failures++;
}

/* Reads a whole /proc file (NUL bytes included); returns its length. */
static size_t read_proc(const char *path, char *buf, size_t size) {
  int fd = open(path, O_RDONLY);
  size_t n = 0;
  ssize_t r;
  if (fd < 0) return 0;
  while (n < size && (r = read(fd, buf + n, size - n)) > 0) n += r;
  close(fd);
  return n;
}

/* The strings of a NULL-terminated vector joined with their NULs, as
 * /proc/PID/cmdline and environ show them. */
static size_t join(char *const *v, char *buf, size_t size) {
  size_t n = 0;
  for (; *v; ++v) {
    size_t len = strlen(*v) + 1;
    if (n + len > size) return 0;
    memcpy(buf + n, *v, len);
    n += len;
  }
  return n;
}

static int same_proc_file(const char *path, char *const *v) {
  static char want[1 << 16], got[1 << 16];
  size_t nw = join(v, want, sizeof(want));
  size_t ng = read_proc(path, got, sizeof(got));
  return nw && nw == ng && memcmp(want, got, nw) == 0;
}

int main(int argc, char **argv, char **envp) {
  (void)argc;
  /* The psABI puts argc at the initial rsp, 16-byte aligned, and argv right
   * above it; with a frame pointer, rbp at main is 16-byte aligned iff rsp
   * was aligned before the call to main. */
  check("initial sp (argv - 8) 16-byte aligned",
        ((uintptr_t)argv - 8) % 16 == 0);
  check("stack aligned at main",
        (uintptr_t)__builtin_frame_address(0) % 16 == 0);

  printf("AT_PAGESZ: %lu\n", getauxval(AT_PAGESZ));
  check("AT_PHNUM is our e_phnum", getauxval(AT_PHNUM) == __ehdr_start.e_phnum);
  check("AT_PHENT is sizeof(Phdr)", getauxval(AT_PHENT) == sizeof(ElfW(Phdr)));
  check("AT_PHDR is our program headers",
        getauxval(AT_PHDR) == (uintptr_t)&__ehdr_start + __ehdr_start.e_phoff);
  check("AT_ENTRY is _start", getauxval(AT_ENTRY) == (uintptr_t)_start);
  /* Not a check: static programs have no interpreter (tests/elf_loader
   * CMakeLists.txt knows which answer each variant must give). */
  printf("AT_BASE nonzero (has an interpreter): %s\n", getauxval(AT_BASE) ? "yes" : "no");

  const char *execfn = (const char *)getauxval(AT_EXECFN);
  printf("AT_EXECFN: %s\n", execfn ? execfn : "(none)");
  check("AT_EXECFN is argv[0]", execfn && strcmp(execfn, argv[0]) == 0);
  const char *platform = (const char *)getauxval(AT_PLATFORM);
  printf("AT_PLATFORM: %s\n", platform ? platform : "(none)");

  const unsigned char *random = (const unsigned char *)getauxval(AT_RANDOM);
  int nonzero = 0;
  for (int i = 0; random && i < 16; ++i) nonzero |= random[i];
  check("AT_RANDOM points at 16 readable, not all zero bytes", random && nonzero);

  printf("AT_SYSINFO_EHDR: %s\n", getauxval(AT_SYSINFO_EHDR) ? "present" : "absent");
  printf("AT_SECURE: %lu\n", getauxval(AT_SECURE));
  printf("AT_HWCAP nonzero: %s\n", getauxval(AT_HWCAP) ? "yes" : "no");

  /* The auxv libc saw is the one right after envp on the initial stack;
   * /proc/self/auxv must show the same (PR_SET_MM_MAP under elf_loader). */
  char **e = envp;
  while (*e) ++e;
  const ElfW(auxv_t) *auxv = (const ElfW(auxv_t) *)(e + 1);
  size_t auxv_bytes = 0;
  while (auxv[auxv_bytes / sizeof(*auxv)].a_type != AT_NULL) auxv_bytes += sizeof(*auxv);
  auxv_bytes += sizeof(*auxv);
  static char proc_auxv[4096];
  size_t n = read_proc("/proc/self/auxv", proc_auxv, sizeof(proc_auxv));
  check("/proc/self/auxv is the stack's auxv",
        n >= auxv_bytes && memcmp(proc_auxv, auxv, auxv_bytes) == 0);

  check("/proc/self/cmdline is argv", same_proc_file("/proc/self/cmdline", argv));
  check("/proc/self/environ is envp", same_proc_file("/proc/self/environ", envp));
  char comm[64] = {0};
  read_proc("/proc/self/comm", comm, sizeof(comm) - 1);
  printf("comm: %s", comm);

  void *p = malloc(1 << 20);
  check("malloc works", p != NULL);
  free(p);
  for (int i = 0; i < argc; ++i) printf("argv[%d]: %s\n", i, argv[i]);
  printf("%s\n", failures ? "FAILED" : "all checks passed");
  return failures ? 1 : 0;
}
