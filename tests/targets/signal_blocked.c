/* A signal mask set before the checkpoint holds after it: SIGUSR1 raised
 * stays pending, undelivered, until unblocked; then the handler runs once.
 */
#include <signal.h>
#include <string.h>

#include "target_check.h"

static volatile sig_atomic_t usr1_count;

static void on_usr1(int sig) {
  (void)sig;
  usr1_count++;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  if (sigaction(SIGUSR1, &sa, NULL) != 0) return 2;
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGRTMIN + 3);
  if (sigprocmask(SIG_BLOCK, &block, NULL) != 0) return 2;
  setup_done("SIGUSR1 handler; SIGUSR1, SIGTERM, SIGRTMIN+3 blocked");

  snappy_checkpoint();

  sigset_t now, pending;
  sigprocmask(SIG_BLOCK, NULL, &now);
  check("SIGUSR1, SIGTERM and SIGRTMIN+3 still blocked",
        sigismember(&now, SIGUSR1) && sigismember(&now, SIGTERM) &&
            sigismember(&now, SIGRTMIN + 3));
  check("SIGUSR2 and SIGINT not blocked", !sigismember(&now, SIGUSR2) && !sigismember(&now, SIGINT));
  sigpending(&pending);
  check("nothing pending yet", !sigismember(&pending, SIGUSR1));
  raise(SIGUSR1);
  sigpending(&pending);
  check("raised SIGUSR1 is pending", sigismember(&pending, SIGUSR1));
  check("and not delivered", usr1_count == 0);
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(SIG_UNBLOCK, &usr1, NULL);
  check("delivered once when unblocked", usr1_count == 1);
  return finish();
}
