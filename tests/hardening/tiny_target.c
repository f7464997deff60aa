/* The smallest snapshot the hardening sweep can get: static, no libc, so
 * NAME.info holds one process with a handful of mappings and NAME.pages
 * only the stack page and the trailer. It prints one line before its
 * checkpoint (stored for replay) and one after, so any restore that gets
 * as far as the jump shows on stdout. */
#define SYS_write 1
#define SYS_access 21
#define SYS_exit_group 231

static long syscall3(long nr, long a, long b, long c) {
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return ret;
}

static void say(const char* s, long n) { syscall3(SYS_write, 1, (long)s, n); }

__attribute__((noreturn, used)) static void tiny_main(void) {
  say("tiny: before the checkpoint\n", 28);
  /* The checkpoint marker (examples/c/snappy_checkpoint.h without libc). */
  long restored = syscall3(SYS_access, (long)"/proc/snappy-start/checkpoint", 0, 0) == 0;
  if (restored) {
    say("tiny: restored\n", 15);
  } else {
    say("tiny: cold\n", 11);
  }
  syscall3(SYS_exit_group, 0, 0, 0);
  __builtin_unreachable();
}

/* The kernel enters with rsp 16-aligned; a C function expects rsp+8 to be. */
__attribute__((naked, noreturn)) void _start(void) {
  __asm__ volatile(
      "and $-16, %rsp\n\t"
      "call tiny_main\n\t"
      "hlt\n\t");
}
