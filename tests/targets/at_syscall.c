/* `ptracer --at sched_yield`: the snapshot point chosen by syscall name,
 * not by the checkpoint marker. The restored instance resumes by executing
 * sched_yield for real and goes on.
 * snappy-test: record=--at,sched_yield
 * snappy-test: trigger=at sched_yield\(\) \(the --at point\), [0-9.]+ ms into the run
 */
#include <sched.h>
#include <stdint.h>

#include "target_check.h"

static uint64_t fib[90];

int main(void) {
  fib[0] = 0;
  fib[1] = 1;
  for (int i = 2; i < 90; i++) fib[i] = fib[i - 1] + fib[i - 2];
  setup_done("90 Fibonacci numbers");
  sched_yield();  /* the snapshot point */
  printf("fib[89] = %llu\n", (unsigned long long)fib[89]);
  check("fib[89] correct", fib[89] == 1779979416004714189ull);
  return finish();
}
