// The one table of system calls the recorder knows (STYLE.md rule 7). It
// drives both the seccomp filter (build_seccomp_filter) and the tracer's
// dispatch (the filter's SCMP_ACT_TRACE data names the rule that matched),
// and gives names for logs and `--at`.
//
// Actions:
//   allow   - no process state to model: the filter lets it run, no stop.
//   model   - changes state the tracer tracks: the filter stops the tracee
//             (SCMP_ACT_TRACE) and the rule's handler runs, at entry and, if
//             needs_exit, at exit too.
//   trigger - everything else (the filter's default action): the snapshot
//             is taken at its entry.
// A rule applies when all its argument conditions hold; rules of one
// syscall must have disjoint conditions. Syscalls of any other ABI
// (int 0x80, x32) are triggers.
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace snappy {

enum class SyscallAction : uint8_t { kAllow, kModel };

// What the tracer does with a modelled syscall (ptracer/syscall_model.cc).
enum class ModelHandler : uint8_t {
  kMmap,          // mmap: add the result to the mapping model
  kMunmap,        // munmap
  kMprotect,      // mprotect
  kMremap,        // mremap
  kBrk,           // brk(addr != 0): rewritten to brk(0) so it fails
  kGetNoNewPrivs, // prctl(PR_GET_NO_NEW_PRIVS): answers the recorder's own
                  // value (the caller's), not the 1 it set for seccomp
  kGetAffinity,   // sched_getaffinity of the thread the recorder pinned
                  // to one CPU (ptracer/cpu_pinning.h) answers the
                  // caller's mask; of others, no exit stop
  kOpen,          // open/openat read-only: fd table (the path must be a
                  // regular file or directory, else it triggers); for
                  // writing only the program's own coredump_filter; the
                  // JVM's perf-data directory is made to fail
  kMkdir,         // mkdir/mkdirat: only the JVM's perf-data directory,
                  // made to fail (ptracer/jvm_perf_data.h); others trigger
  kClose,         // close: fd table
  kDup,           // dup/dup2/dup3/fcntl(F_DUPFD*): fd table
  kRtSigaction,   // rt_sigaction with a new action: handler table
  kSigaltstack,   // sigaltstack with a new stack
  kSetTidAddress, // set_tid_address
  kWriteOutput,   // write/writev/pwrite64 to fd 1 or 2: recorded for replay
  kWriteInternal, // write/writev to fd > 2: only into the program's own
                  // pipes and eventfds (captured with their contents)
  kAccess,        // access/faccessat/faccessat2: the checkpoint marker path
                  // triggers, any other path is allowed
  kNewFd,         // socket(AF_UNIX), epoll_create*, pipe*, eventfd*: an fd
                  // that restore creates anew (format::FdKind)
  kEpollCtl,      // epoll_ctl: the interest list is read at capture; an
                  // fd outside the model or a standard stream triggers
  kConnect,       // connect: only an AF_UNIX socket to a path that does not
                  // exist (it fails, nothing happened), else a trigger
  kPkeyAlloc,     // pkey_alloc: allowed only where it fails (no OSPKE):
                  // a protection key would be state nobody records
  kRtSigreturn,   // rt_sigreturn: the signal frame's uc_stack may set
                  // the thread's alternate stack
  kReadlink,      // readlink/readlinkat: /proc/self/exe answers the
                  // program, not elf_loader (ld.so's $ORIGIN)
  kPoll,          // poll/ppoll/select/pselect6: waiting changes nothing,
                  // but waiting on fds 0-2 is waiting for the caller's
                  // input, a trigger like reading them
  kSetRlimit,     // setrlimit, prlimit64(0, r, new, ...): which limits the
                  // program set itself (ProcessRecord::rlimits_set)
  kStatusFlags,   // fcntl(F_SETFL), ioctl(FIONBIO): on fds 0-2 (the
                  // caller's descriptions) O_NONBLOCK/O_APPEND changes are
                  // recorded for restore to apply, any other status flag
                  // triggers; above 2 they are read from fdinfo at capture
  kLockAll,       // mlockall, munlockall: MCL_FUTURE is mm state no /proc
                  // file shows (ProcessFlags kProcessLockFuture); MCL_CURRENT
                  // triggers where the recorder's window would count
                  // against RLIMIT_MEMLOCK
  kClone,         // clone/clone3 making a thread (CLONE_THREAD): a new
                  // traced thread with its own tid address; fork and vfork
                  // stay triggers
  kTimerCreate,   // timer_create on a clock restore can recreate
                  // (format::is_timer_clock), else a trigger: the timer
                  // model (ptracer/timer_model.h) notes its id
  kTimerSettime,  // timer_settime: the model notes when it expires
  kTimerDelete,   // timer_delete
  kSetMm,         // prctl(PR_SET_MM): elf_loader's layout; it may set the
                  // break, so the model forgets the one it knew (kBrk)
};

struct ArgCondition {
  enum class Op : uint8_t { kEq, kNe, kLt, kGe, kMaskedEq };
  uint8_t arg;        // 0..5
  Op op;
  uint64_t value;
  uint64_t mask = 0;  // kMaskedEq: (arg & mask) == value
  bool holds(uint64_t v) const;
};

struct SyscallRule {
  int nr;
  SyscallAction action;
  std::optional<ModelHandler> handler;  // set for kModel
  bool needs_exit = false;              // the handler must see the result
  std::vector<ArgCondition> when;       // all must hold; empty: always

  bool matches(const uint64_t args[6]) const;
};

// The table, in a fixed order (indices are stable within one build).
const std::vector<SyscallRule>& syscall_rules();

// libseccomp's name for an x86-64 syscall number, or "syscall_<nr>".
std::string syscall_name(long nr);
// The same for an i386 number (a 64-bit program's int $0x80 call).
std::string i386_syscall_name(long nr);
// The number for a libseccomp name, or std::nullopt.
std::optional<long> syscall_number(std::string_view name);

// The rule for a syscall with these arguments, or nullptr: a trigger.
const SyscallRule* find_rule(long nr, const uint64_t args[6]);

// `--at SYSCALL[,ARG0=VALUE|,path=PREFIX]`: the snapshot point the user
// chose. A path condition cannot be checked in BPF (the path is in the
// tracee's memory): the filter stops every call of SYSCALL (kTraceAt) and
// the tracer compares the path argument (path_argument(nr)), going on as
// the table says when it does not start with PREFIX.
struct AtPoint {
  long nr;
  std::optional<uint64_t> arg0;
  std::optional<std::string> path_prefix;
  // Parses "getpid", "openat,ARG0=3" (VALUE decimal or 0x-hex) or
  // "openat,path=/tmp/x" (only for a syscall with a path argument); throws
  // std::invalid_argument with a message naming what is wrong.
  static AtPoint parse(std::string_view text);
  // The registers' part of the condition (not the path's).
  bool matches(long nr, const uint64_t args[6]) const;
};

// SCMP_ACT_TRACE data values, read with PTRACE_GETEVENTMSG at a seccomp stop.
constexpr uint16_t kTraceTrigger = 0;  // default action: no rule applies
constexpr uint16_t kTraceAt = 1;       // the --at point
constexpr uint16_t kTraceRuleBase = 2; // kTraceRuleBase + index into syscall_rules()

// The table's rules as libseccomp compiles them into classic BPF. That
// takes about 1 ms, a phase of every recording, so ptracer loads the copy
// compiled when it was built (ptracer/rule_program.h); a unit test checks
// the two are the same. Throws std::runtime_error naming the libseccomp
// call that failed.
std::vector<sock_filter> compile_rule_program();

// The seccomp filter loaded into the recorded program, ready for
// PR_SET_SECCOMP / seccomp(2): the --at point's prefix (if any), the
// upper-half fd check, then `rule_program` (compile_rule_program()'s).
// Throws std::runtime_error if it is longer than the kernel takes.
std::vector<sock_filter> build_seccomp_filter(const std::optional<AtPoint>& at,
                                              std::span<const sock_filter> rule_program);
// The same with the rules compiled now.
std::vector<sock_filter> build_seccomp_filter(const std::optional<AtPoint>& at);

}  // namespace snappy
