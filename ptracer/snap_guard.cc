#include "ptracer/snap_guard.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace snappy {

namespace {

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

volatile std::sig_atomic_t g_stop = 0;
volatile std::sig_atomic_t g_release = 0;
volatile pid_t g_worker = 0;
pid_t g_guard = 0;

void on_stop_signal(int sig) {
  if (!g_stop) g_stop = sig;
}

void forward_signal(int sig) {
  int saved = errno;
  if (g_worker > 0) ::kill(g_worker, sig);
  errno = saved;
}

void install(void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (int sig : kForwarded) sigaction(sig, &sa, nullptr);
}

}  // namespace

void run_as_guarded_worker() {
  // The forwarding is in place before the worker exists: a signal between
  // fork and the worker's own handlers is held until they are (blocked).
  sigset_t block, old;
  sigemptyset(&block);
  for (int sig : kForwarded) sigaddset(&block, sig);
  sigprocmask(SIG_BLOCK, &block, &old);
  pid_t parent = getpid();
  std::fflush(nullptr);
  pid_t worker = fork();
  if (worker < 0) {
    // No guard then; snap still works, unguarded.
    sigprocmask(SIG_SETMASK, &old, nullptr);
    install(on_stop_signal);
    return;
  }
  if (worker == 0) {
    g_guard = parent;
    install(on_stop_signal);
    // A group kill aimed at snap (Ctrl-C, `kill -- -PGID`, timeout) reaches
    // the guard, which forwards what can be caught; the worker still writes
    // to the terminal (SIGTTOU ignored: no stop under `stty tostop`).
    setpgid(0, 0);
    signal(SIGTTOU, SIG_IGN);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) g_stop = SIGTERM;  // the guard died before prctl
    sigprocmask(SIG_SETMASK, &old, nullptr);
    return;
  }
  g_worker = worker;
  install(forward_signal);
  sigprocmask(SIG_SETMASK, &old, nullptr);
  int status = 0;
  while (waitpid(worker, &status, 0) < 0) {
    if (errno != EINTR) std::_Exit(1);
  }
  std::_Exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

const volatile std::sig_atomic_t* stop_request() { return &g_stop; }

pid_t guard_pid() { return g_guard; }

const volatile std::sig_atomic_t* test_release_request() {
  struct sigaction sa {};
  sa.sa_handler = [](int) { g_release = 1; };
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &sa, nullptr);
  return &g_release;
}

}  // namespace snappy
