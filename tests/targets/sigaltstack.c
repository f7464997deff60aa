/* An alternate signal stack set before the checkpoint holds after it: a
 * SA_ONSTACK handler runs on it, and sigaltstack reports it unchanged.
 */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "target_check.h"

#define ALT_SIZE (64 * 1024)

static unsigned char *alt;
static volatile sig_atomic_t ran, on_alt, ss_onstack;

static void on_usr1(int sig) {
  (void)sig;
  volatile char here;
  uintptr_t a = (uintptr_t)&here;
  ran = 1;
  on_alt = a >= (uintptr_t)alt && a < (uintptr_t)alt + ALT_SIZE;
  stack_t cur;
  ss_onstack = sigaltstack(NULL, &cur) == 0 && (cur.ss_flags & SS_ONSTACK);
}

int main(void) {
  alt = mmap(NULL, ALT_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (alt == MAP_FAILED) return 2;
  stack_t ss = {.ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0};
  if (sigaltstack(&ss, NULL) != 0) return 2;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sa.sa_flags = SA_ONSTACK;
  if (sigaction(SIGUSR1, &sa, NULL) != 0) return 2;
  setup_done("64 KiB alternate stack; SIGUSR1 handler with SA_ONSTACK");

  snappy_checkpoint();

  stack_t cur;
  check("sigaltstack unchanged", sigaltstack(NULL, &cur) == 0 && cur.ss_sp == alt &&
                                     cur.ss_size == ALT_SIZE && cur.ss_flags == 0);
  raise(SIGUSR1);
  check("handler ran", ran);
  check("handler ran on the alternate stack", on_alt);
  check("sigaltstack reported SS_ONSTACK in the handler", ss_onstack);
  return finish();
}
