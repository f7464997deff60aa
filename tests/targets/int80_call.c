/* A 32-bit system call (int $0x80) from a 64-bit program. The filter sends
 * every call of another arch to its trigger action, so this is the
 * snapshot point: ptracer names it by its i386 number (20 is getpid there;
 * in the x86-64 table 20 is writev, which the summary line must not say),
 * the instance resumes at the int $0x80 itself and makes the call for
 * real, in its own process.
 * snappy-test: trigger=at int \$0x80 getpid \(a 32-bit system call, outside the model\)
 */
#include <sys/syscall.h>
#include <unistd.h>

#include "target_check.h"

int main(void) {
  setup_done("nothing to set up");
  long pid;
  __asm__ volatile("int $0x80" : "=a"(pid) : "a"(20L) : "memory"); /* i386 getpid: the snapshot point */
  check("int $0x80 getpid is this process's pid", pid == syscall(SYS_getpid));
  return finish();
}
