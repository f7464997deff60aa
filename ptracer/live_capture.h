// Snapshots of running processes (the `snap` front end): attach to every
// thread with PTRACE_SEIZE + PTRACE_INTERRUPT, record each thread's
// registers, XSAVE state, signal mask, rseq and robust list, the process's
// /proc state (maps, fds, cwd, cmdline, environ, auxv, comm, rlimits, mm
// layout, signal dispositions), then let it run on.
//
// Short pause: while every thread is stopped, one thread is made to execute
// an injected clone(flags = 0: exit signal 0, no SIGCHLD for the target) at
// a `syscall` instruction found in the target's own code. The child, a
// frozen copy-on-write image of the whole address space, is auto-attached
// (PTRACE_O_TRACECLONE) and stays stopped; the target's threads get their
// registers back exactly and are detached. The pause is therefore the time
// of the attach, the register reads and the fork (page-table copy), not of
// the memory copy, which is read from the child afterwards. The child's
// signal handlers (inherited) are read by injecting rt_sigaction into the
// child. The child is then killed, and its zombie (a "clone child", visible
// only to wait(__WALL|__WCLONE)) is reaped by injecting wait4(child, 0,
// __WALL) into one target thread (a second pause of a few microseconds).
// If the fork cannot be used (a seccomp filter, no `syscall` instruction,
// clone failing), the process stays stopped while its memory is copied and
// the result says why (never silently).
//
// A thread stopped inside a blocking system call (futex, nanosleep, read)
// reports rax = -ERESTART*; plain PTRACE_DETACH lets the kernel restart the
// call. The injection prefers a thread stopped in user mode (orig_rax = -1);
// if only threads in system calls are available, the chosen thread's
// registers are put back already "restarted" (rip -= 2, rax = the call, or
// restart_syscall for -ERESTART_RESTARTBLOCK), exactly what the kernel's
// signal-return path would have done without a handler.
//
// What /proc cannot give and the snapshot therefore lacks: each thread's
// clear_child_tid address and sigaltstack (recorded as 0); in the stopped
// fallback, signal handler addresses (SigIgn signals are recorded with
// handler SIG_IGN, caught ones are omitted).
#pragma once

#include <sys/types.h>

#include <csignal>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/atomic_file.h"
#include "common/snapshot_writer.h"
#include "ptracer/file_table.h"
#include "ptracer/memory_capture.h"

namespace snappy {

// Content classes (LiveClass, ptracer/memory_capture.h): Parses "anon-private,file-shared,..." (also "all"); throws std::invalid_argument.
uint32_t parse_live_classes(const std::string& list);

struct LiveOptions {
  uint32_t classes = kClassDefault;
  bool ignore_filter = false;  // ignore MADV_DONTDUMP and coredump_filter
  bool fork = true;            // false: stop-copy-detach
  bool inject_into_blocked = false;  // testing: inject into a thread in a syscall
  // Polled at safe points (never inside an injected system call): once
  // nonzero, the capture ends with LiveStopped, every thread detached, the
  // frozen copy killed and reaped (ptracer/snap_guard.h).
  const volatile std::sig_atomic_t* stop = nullptr;
  // Testing: the stage at which to wait, saying so on stderr, until a stop
  // is requested or `release` is nonzero (see hold_for_test).
  std::string hold;
  const volatile std::sig_atomic_t* release = nullptr;
};

// The capture was abandoned on a stop request (signal `signal`).
struct LiveStopped : std::runtime_error {
  explicit LiveStopped(int sig) : std::runtime_error("stopped by signal " + std::to_string(sig)), signal(sig) {}
  int signal;
};

// Throws LiveStopped if a stop was requested.
void throw_if_stopped(const LiveOptions& options);

// Testing (snap --test-hold STAGE): if `stage` is options.hold, prints
// "snap: holding at STAGE (pid PID)" on stderr and waits until a stop is
// requested or the hold released (SIGUSR1 to that pid, see
// test_release_request in ptracer/snap_guard.h), at most 60 s, so that a
// test can kill snap, or change the target, at that moment.
// Stages: "seized" (every thread stopped), "injecting" (a thread's
// registers set for the injected clone, not yet run), "forked" (the frozen
// copy made, the target still stopped), "copying" (memory being copied;
// with --no-fork the target is stopped), and snap_main's "writing" (pages
// and info written, not synced) and "rename" (before the renames).
void hold_for_test(const LiveOptions& options, const char* stage);

// One line, "PID: why"; the target has been detached.
struct LiveError : std::runtime_error {
  LiveError(pid_t pid, const std::string& why)
      : std::runtime_error(std::to_string(pid) + ": " + why), pid(pid) {}
  pid_t pid;
  bool vanished = false;  // the process did not exist (or exited) at all
};

struct LiveResult {
  uint64_t threads = 0, mappings = 0, bytes_stored = 0, pages_size = 0;
  uint64_t pause_ns = 0;  // first PTRACE_INTERRUPT to last PTRACE_DETACH
  bool forked = false;
  std::string fallback_reason;  // why the copy happened while stopped
  bool zombie_left = false;     // the child's zombie could not be reaped
  // Mappings that could not be read (a failure, not an exclusion), kept
  // without data: "START-END PATH: REASON", one each.
  std::vector<std::string> unreadable;
  // What else the snapshot lacks and why, one line each ("fd 3 PATH:
  // REASON; left out", "thread TID: rseq: REASON; recorded as 0").
  std::vector<std::string> notes;
};

// Appends one ProcessRecord (kProcessLive) with its threads, mappings, fds
// and sigactions to `snapshot`, page data to `pages`. Throws LiveError (the
// process cannot be snapshotted), LiveStopped, or WriteError (`pages`
// cannot be written); in every case the target runs on, detached.
LiveResult capture_live_process(pid_t pid, const LiveOptions& options, Snapshot& snapshot, FileTable& files,
                                AtomicFile& pages);

// Processes owned by the caller whose comm or argv[0] basename is `name`,
// excluding the caller itself; sorted.
std::vector<pid_t> find_processes_by_name(const std::string& name);

}  // namespace snappy
