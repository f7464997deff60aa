/* Signal dispositions set before the checkpoint hold after it: a handler
 * fires (with its SA_SIGINFO info and its sa_mask), a SA_RESETHAND handler
 * fires once and resets, an ignored SIGPIPE stays ignored.
 * snappy-test: learn=yes
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "target_check.h"

static volatile sig_atomic_t usr1_count, usr1_code_ok, usr1_mask_ok, usr2_count;

static void on_usr1(int sig, siginfo_t *si, void *ctx) {
  (void)ctx;
  usr1_count++;
  usr1_code_ok = sig == SIGUSR1 && si->si_signo == SIGUSR1 && si->si_code == SI_TKILL;
  sigset_t now;
  sigprocmask(SIG_BLOCK, NULL, &now);
  /* sa_mask (SIGUSR2, SIGTERM) plus the signal itself are blocked here. */
  usr1_mask_ok = sigismember(&now, SIGUSR1) && sigismember(&now, SIGUSR2) &&
                 sigismember(&now, SIGTERM) && !sigismember(&now, SIGINT);
}

static void on_usr2(int sig) {
  (void)sig;
  usr2_count++;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_usr1;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGUSR2);
  sigaddset(&sa.sa_mask, SIGTERM);
  if (sigaction(SIGUSR1, &sa, NULL) != 0) return 2;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr2;
  sa.sa_flags = SA_RESETHAND;
  if (sigaction(SIGUSR2, &sa, NULL) != 0) return 2;
  if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) return 2;
  setup_done("SIGUSR1 SA_SIGINFO handler with sa_mask, SIGUSR2 SA_RESETHAND, SIGPIPE ignored");

  snappy_checkpoint();

  raise(SIGUSR1);
  raise(SIGUSR1);
  check("SIGUSR1 handler ran twice", usr1_count == 2);
  check("SIGUSR1 siginfo is SI_TKILL", usr1_code_ok);
  check("SIGUSR1 sa_mask applied in the handler", usr1_mask_ok);
  struct sigaction old;
  sigaction(SIGUSR1, NULL, &old);
  check("SIGUSR1 flags kept", (old.sa_flags & (SA_SIGINFO | SA_RESTART)) ==
                                  (SA_SIGINFO | SA_RESTART) &&
                              sigismember(&old.sa_mask, SIGUSR2));
  raise(SIGUSR2);
  sigaction(SIGUSR2, NULL, &old);
  check("SIGUSR2 handler ran once and reset", usr2_count == 1 && old.sa_handler == SIG_DFL);
  int fds[2];
  int epipe = 0;
  if (pipe(fds) == 0) {
    close(fds[0]);
    epipe = write(fds[1], "x", 1) == -1 && errno == EPIPE;
    close(fds[1]);
  }
  check("SIGPIPE still ignored (write to a closed pipe gives EPIPE)", epipe);
  return finish();
}
