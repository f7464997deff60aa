// snap must never kill, or leave stopped, the processes it snapshots, even
// when snap itself is killed. While it holds a target, its threads may be in
// a PTRACE_INTERRUPT stop (harmless: a dying tracer's tracees are detached
// and run on, kernel/ptrace.c exit_ptrace), but for a few microseconds one
// thread runs an injected clone or wait4 with borrowed registers, and the
// frozen copy (a fork of the target) sits stopped on the copy's own code. A
// SIGKILL there would let that thread run on from the injection gadget (a
// crash) and the copy run as a second instance of the program.
//
// So the pid the caller starts is a guard: it forks the worker that does
// everything (in its own process group, so a group kill from a terminal or
// `timeout` reaches only the guard), forwards SIGINT, SIGTERM, SIGHUP and
// SIGQUIT to it, and exits with its status. The worker turns those signals,
// and the guard's death (PR_SET_PDEATHSIG), into a stop request that the
// capture honours at its next safe point: never inside an injection, always
// with every thread detached, the copy killed and reaped, and the temporary
// files removed. Killing the worker itself with SIGKILL is not covered.
#pragma once

#include <sys/types.h>

#include <csignal>

namespace snappy {

// Splits off the worker and returns in it; in the guard, waits for the
// worker and exits with its status (128 + N if a signal N ended it).
void run_as_guarded_worker();

// Nonzero (the signal's number) once a stop was requested; SIGTERM when the
// guard died.
const volatile std::sig_atomic_t* stop_request();

// The guard's pid in the worker (processes snap must not snapshot), else 0.
pid_t guard_pid();

// Testing (snap --test-hold): from now on SIGUSR1 to the worker sets the
// flag returned, which ends a hold without stopping snap.
const volatile std::sig_atomic_t* test_release_request();

}  // namespace snappy
