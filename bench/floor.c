/* The floor of the benchmark: the cheapest program the kernel can start.
 * Static, no libc, no dynamic linker: _start makes exit_group(0) at once,
 * so launching it measures only spawn + execve + exit + reap. A restored
 * instance can never be cheaper than this (restore is itself an execve). */
__attribute__((naked, noreturn)) void _start(void) {
  __asm__ volatile(
      "mov $231, %eax\n\t" /* SYS_exit_group */
      "xor %edi, %edi\n\t"
      "syscall\n\t"
      "hlt\n\t");
}
