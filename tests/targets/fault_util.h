/* Probing whether a read or write faults, for the protection targets: a
 * SIGSEGV handler (installed before the checkpoint, so the restored
 * handler table is what catches the fault) jumps back with siglongjmp.
 */
#ifndef SNAPPY_FAULT_UTIL_H
#define SNAPPY_FAULT_UTIL_H

#include <setjmp.h>
#include <signal.h>
#include <string.h>

static sigjmp_buf fault_jump;
static volatile sig_atomic_t fault_armed;
static void *volatile fault_addr;
static volatile int fault_code;

static void fault_handler(int sig, siginfo_t *si, void *ctx) {
  (void)ctx;
  if (!fault_armed) {
    signal(sig, SIG_DFL);
    return;  /* re-faults with the default action */
  }
  fault_addr = si->si_addr;
  fault_code = si->si_code;
  siglongjmp(fault_jump, 1);
}

static inline int install_fault_handler(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = fault_handler;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  return sigaction(SIGSEGV, &sa, NULL);
}

/* 1 if reading *p faults. */
static inline int read_faults(const volatile unsigned char *p) {
  fault_addr = NULL;
  if (sigsetjmp(fault_jump, 1)) {
    fault_armed = 0;
    return 1;
  }
  fault_armed = 1;
  (void)*p;
  fault_armed = 0;
  return 0;
}

/* 1 if writing v to *p faults. */
static inline int write_faults(volatile unsigned char *p, unsigned char v) {
  fault_addr = NULL;
  if (sigsetjmp(fault_jump, 1)) {
    fault_armed = 0;
    return 1;
  }
  fault_armed = 1;
  *p = v;
  fault_armed = 0;
  return 0;
}

#endif /* SNAPPY_FAULT_UTIL_H */
