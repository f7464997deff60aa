/* glibc registers an rseq area at startup and sched_getcpu() reads the
 * kernel-maintained cpu_id from it. Restore must re-register it at the
 * same address: re-registering must then fail with EBUSY (already
 * registered), and after migrating between CPUs, sched_getcpu() (rseq)
 * must follow the getcpu syscall. Nothing is printed about CPU numbers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "target_check.h"

int main(void) {
  setup_done("nothing but glibc's own rseq registration");

  snappy_checkpoint();

  int glibc_registered = __rseq_size > 0;
  if (glibc_registered) {
    uintptr_t tp;
    __asm__("mov %%fs:0, %0" : "=r"(tp));
    struct rseq *area = (struct rseq *)(tp + (uintptr_t)__rseq_offset);
    /* Same area, length and signature as glibc: EBUSY if registered. */
    long rc = syscall(SYS_rseq, area, 32, 0, RSEQ_SIG);
    int err = errno;
    check("rseq area still registered (EBUSY)", rc == -1 && err == EBUSY);
    check("rseq cpu_id is a cpu", (int32_t)area->cpu_id >= 0);
  } else {
    /* glibc.pthread.rseq=0: nothing to check, but keep the output equal. */
    check("rseq area still registered (EBUSY)", 1);
    check("rseq cpu_id is a cpu", 1);
  }
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return 2;
  int tried = 0, agreed = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE && tried < 4; cpu++) {
    if (!CPU_ISSET(cpu, &allowed)) continue;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    if (sched_setaffinity(0, sizeof one, &one) != 0) continue;
    tried++;
    unsigned kernel_cpu = ~0u;
    syscall(SYS_getcpu, &kernel_cpu, NULL, NULL);
    agreed += sched_getcpu() == cpu && kernel_cpu == (unsigned)cpu;
  }
  sched_setaffinity(0, sizeof allowed, &allowed);
  check("sched_getcpu() follows migrations", tried > 0 && agreed == tried);
  return finish();
}
