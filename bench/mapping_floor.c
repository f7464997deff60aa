/* The floor under a restore of a given shape: what the kernel alone takes
 * to exec a static no-libc program (floor.c), map MAPPINGS private
 * read-only windows of FILE and take FAULTS read faults on them, then exit.
 * bench.py runs it with the numbers of mmaps and page faults a restored
 * py-numpy instance makes, so the table shows how much of that instance's
 * time no restore of its ~180 mappings can avoid on this machine.
 *
 *   mapping_floor FILE MAPPINGS FAULTS
 *
 * Each fault is a read in its own 64 KiB window (fault-around's unit: a
 * read fault maps the page-cache pages around it, never across one), so
 * FAULTS reads are FAULTS faults, of the kind most of a restored
 * instance's are: private file mappings of pages in the page cache. FILE
 * should be in the page cache and at least 64 KiB. Exit status 1 on a bad
 * argument or a failed call.
 * Static, no libc, like floor.c. */
#define SYS_OPEN 2
#define SYS_FSTAT 5
#define SYS_MMAP 9
#define SYS_EXIT_GROUP 231
#define WINDOW (64L << 10)

static long sys3(long nr, long a, long b, long c) {
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return ret;
}

static long sys6(long nr, long a, long b, long c, long d, long e, long f) {
  long ret;
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}

static __attribute__((noreturn)) void leave(long status) {
  sys3(SYS_EXIT_GROUP, status, 0, 0);
  __builtin_unreachable();
}

/* A decimal number, or -1. */
static long number(const char* s) {
  long n = 0;
  if (!*s) return -1;
  for (; *s; ++s) {
    if (*s < '0' || *s > '9' || n > 1000000) return -1;
    n = n * 10 + (*s - '0');
  }
  return n;
}

/* struct stat's st_size is at offset 48 on x86-64. */
struct kernel_stat {
  unsigned long words[6];
  long size;
  unsigned long rest[11];
};

static __attribute__((used, noreturn)) void run(long* stack) {
  long argc = stack[0];
  char** argv = (char**)(stack + 1);
  if (argc != 4) leave(1);
  long mappings = number(argv[2]), faults = number(argv[3]);
  if (mappings < 1 || faults < 0) leave(1);
  long fd = sys3(SYS_OPEN, (long)argv[1], 0 /* O_RDONLY */, 0);
  struct kernel_stat st;
  if (fd < 0 || sys3(SYS_FSTAT, fd, (long)&st, 0) != 0 || st.size < WINDOW) leave(1);
  long windows_in_file = st.size / WINDOW;
  long per_mapping = (faults + mappings - 1) / mappings;
  if (per_mapping < 1) per_mapping = 1;
  if (per_mapping > windows_in_file) leave(1);
  long left = faults;
  for (long i = 0; i < mappings; ++i) {
    long first = (i * per_mapping) % (windows_in_file - per_mapping + 1);
    long addr = sys6(SYS_MMAP, 0, per_mapping * WINDOW, 1 /* PROT_READ */, 2 /* MAP_PRIVATE */, fd,
                     first * WINDOW);
    if (addr < 0 && addr > -4096) leave(1);
    for (long w = 0; w < per_mapping && left > 0; ++w, --left) {
      (void)*(volatile const char*)(addr + w * WINDOW);
    }
  }
  leave(0);
}

/* The kernel starts us with argc at the stack pointer. */
__attribute__((naked, noreturn)) void _start(void) {
  __asm__ volatile(
      "mov %rsp, %rdi\n\t"
      "and $-16, %rsp\n\t"
      "call run\n\t");
}
