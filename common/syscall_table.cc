// The syscall table and the seccomp filter derived from it. Which calls are
// in the model was decided from what real startups call (strace -f -c of
// /usr/bin/python3 -c 'import numpy, json, decimal' with
// OPENBLAS_NUM_THREADS=1, glibc 2.36 dynamic and static hello-worlds, ld.so):
// every call those make before their first real side effect is below, and
// everything else is a trigger. When unsure, a call is left a trigger: a
// snapshot taken early is still correct, one taken past an unmodelled side
// effect is not.
#include "common/syscall_table.h"

#include "common/syscall_decode.h"

#include <asm/prctl.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/membarrier.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <stdexcept>

namespace snappy {
namespace {

using Op = ArgCondition::Op;

// The kernel declares fds, flags and command codes as int or unsigned int
// and ignores the upper half of the register; libseccomp compares all 64
// bits. Comparing such arguments through a 32-bit mask keeps a value whose
// upper half is not zero (an int sign-extended differently, or junk) from
// slipping past a condition.
constexpr uint64_t kLow32 = 0xffffffffull;

ArgCondition eq32(uint8_t arg, uint64_t value) {
  return {arg, Op::kMaskedEq, value, kLow32};
}
// Pointer arguments (a new sigaction, a new rlimit) are full 64-bit values.
ArgCondition eq64(uint8_t arg, uint64_t value) { return {arg, Op::kEq, value}; }
ArgCondition ne64(uint8_t arg, uint64_t value) { return {arg, Op::kNe, value}; }

SyscallRule allow(int nr, std::vector<ArgCondition> when = {}) {
  return {nr, SyscallAction::kAllow, std::nullopt, false, std::move(when)};
}
SyscallRule model(int nr, ModelHandler h, bool needs_exit,
                  std::vector<ArgCondition> when = {}) {
  return {nr, SyscallAction::kModel, h, needs_exit, std::move(when)};
}

// open/openat are modelled only when they cannot create or truncate: no
// O_CREAT, O_TRUNC or O_TMPFILE; the access mode may be O_RDONLY, O_WRONLY or
// O_RDWR (3, "no access, ioctl only", triggers). Opening an existing file
// for writing changes nothing until the first write, and writes to fds
// above 2 trigger. O_TMPFILE is the kernel's __O_TMPFILE bit plus
// O_DIRECTORY, and O_DIRECTORY alone is fine, so the mask takes the bit only
// (glibc's __O_TMPFILE includes O_DIRECTORY). One rule per access mode:
// libseccomp allows one comparison per argument in a rule.
constexpr uint64_t kTmpfileBit = 020000000;
constexpr uint64_t kOpenWriteMask = O_ACCMODE | O_CREAT | O_TRUNC | kTmpfileBit;
static_assert((O_TMPFILE & ~kTmpfileBit) == O_DIRECTORY);

std::vector<SyscallRule> make_rules() {
  using H = ModelHandler;
  std::vector<SyscallRule> r;

  // --- No state to model. ---------------------------------------------
  // Reads move file offsets, which are read from /proc/PID/fdinfo at
  // capture. But reading fds 0-2 consumes input that belongs to whoever
  // runs the snapshot (a worker reading jobs from stdin): that triggers, so
  // the snapshot is taken just before the first input is read. fd >= 3 is
  // a full 64-bit compare: a sign-extended negative fd is >= 3 too and
  // just fails with EBADF.
  // The kernel takes only the fd's lower half: a call whose upper half is
  // not zero (read(0x100000000) is a read of fd 0) never reaches these
  // rules (kRangedFdCalls, below).
  r.push_back(allow(SYS_read, {{0, Op::kGe, 3}}));
  r.push_back(allow(SYS_readv, {{0, Op::kGe, 3}}));
  // Positioned reads consume nothing, whatever the fd.
  r.push_back(allow(SYS_pread64));
  // Queries of an fd's socket addresses (Tcl asks them of its stdio to
  // type its channels): they change nothing.
  r.push_back(allow(SYS_getsockname));
  r.push_back(allow(SYS_getpeername));
  r.push_back(allow(SYS_preadv));
  // lseek on 0-2 would move the caller's offset; lseek(fd, 0, SEEK_CUR) is
  // the query Python makes on its standard streams.
  r.push_back(allow(SYS_lseek, {{0, Op::kGe, 3}}));
  r.push_back(allow(SYS_lseek, {{0, Op::kLt, 3}, eq64(1, 0), eq32(2, SEEK_CUR)}));
  for (int nr : {SYS_fstat, SYS_newfstatat, SYS_stat, SYS_lstat, SYS_statx,
                 SYS_statfs, SYS_fstatfs,
                 SYS_getcwd, SYS_getdents, SYS_getdents64, SYS_uname,
                 SYS_getuid, SYS_geteuid, SYS_getgid, SYS_getegid,
                 SYS_getresuid, SYS_getresgid, SYS_getgroups, SYS_getpid,
                 SYS_getppid, SYS_gettid, SYS_getpgrp, SYS_getpgid,
                 SYS_getsid, SYS_getrandom, SYS_clock_gettime,
                 SYS_clock_getres, SYS_gettimeofday, SYS_time, SYS_getcpu,
                 SYS_sysinfo, SYS_getrlimit, SYS_getrusage, SYS_times,
                 SYS_getpriority, SYS_sched_getparam,
                 SYS_sched_getscheduler, SYS_sched_yield, SYS_capget,
                 SYS_nanosleep, SYS_clock_nanosleep, SYS_fadvise64,
                 SYS_mincore, SYS_exit}) {
    r.push_back(allow(nr));
  }
  // exit_group is deliberately absent: the program's end is a trigger (the
  // original snappy-start's first unhandled syscall), so a program that
  // reaches no other snapshot point is snapshotted there, and a restore
  // replays its output and makes the call for real (same status). exit
  // of one thread is allowed: the others go on (a last thread's exit is
  // the process's end without a snapshot; glibc's exit() never does that).
  // The signal mask, robust list and rseq area are read at capture
  // (PTRACE_GETSIGMASK, get_robust_list, PTRACE_GET_RSEQ_CONFIGURATION).
  r.push_back(allow(SYS_rt_sigprocmask));
  r.push_back(allow(SYS_set_robust_list));
  r.push_back(allow(SYS_rseq));
  // futex words live in memory, which is captured with every thread
  // stopped; a waiter interrupted at the snapshot re-enters its wait after
  // restore (ptracer/thread_stop.h).
  r.push_back(allow(SYS_futex));
  // Page contents and the layout are read from /proc at capture, so
  // MADV_DONTNEED and friends need no model (a split VMA is fine for the
  // cross-check).
  r.push_back(allow(SYS_madvise));
  // Locks are per-VMA flags, shown in smaps VmFlags (lo, lf for
  // MLOCK_ONFAULT) and re-applied by restore per mapping; the pages they
  // fault in are the program's own. The limit (RLIMIT_MEMLOCK against
  // mm->locked_vm) sees the same locked pages recording as cold: the
  // recorder's window is never locked by these, which name ranges.
  r.push_back(allow(SYS_mlock));
  r.push_back(allow(SYS_mlock2));
  r.push_back(allow(SYS_munlock));
  // fs/gs base come from the registers at capture. Other codes (CPUID
  // faulting, vDSO mapping, AMX permission requests, shadow stacks)
  // change state nobody records: triggers.
  constexpr uint64_t kArchCodes[] = {ARCH_SET_FS,    ARCH_GET_FS, ARCH_SET_GS,
                                     ARCH_GET_GS,    ARCH_GET_CPUID,
                                     0x1021 /* ARCH_GET_XCOMP_SUPP */,
                                     0x1022 /* ARCH_GET_XCOMP_PERM */};
  for (uint64_t code : kArchCodes) {
    r.push_back(allow(SYS_arch_prctl, {eq32(0, code)}));
  }
  // PR_SET_MM and PR_SET_NAME are elf_loader's (it sets the layout and the
  // name exec would have given): the layout is read from /proc at capture,
  // and the name is cosmetic state readable from /proc/PID/comm. The rest
  // are getters. PR_SET_THP_DISABLE sets MMF_DISABLE_THP on the mm, read
  // from /proc/PID/status ("THP_enabled:") at capture and set again by
  // restore (kProcessThpDisabled). PR_SET_PDEATHSIG, PR_SET_DUMPABLE and
  // the like are triggers.
  //
  // PR_SET_VMA_ANON_NAME (PHP's allocator, Go) changes only a VMA's name:
  // "[anon:NAME]" in /proc/PID/maps, read at capture, kept as the mapping's
  // name and re-applied by restore. Other PR_SET_VMA codes stay triggers.
  r.push_back(allow(SYS_prctl, {eq32(0, 0x53564d41 /* PR_SET_VMA */), eq32(1, 0 /* PR_SET_VMA_ANON_NAME */)}));
  for (uint64_t option :
       {PR_SET_NAME, PR_GET_PDEATHSIG, PR_GET_DUMPABLE, PR_GET_KEEPCAPS,
        PR_GET_NAME, PR_GET_SECCOMP, PR_CAPBSET_READ, PR_GET_SECUREBITS,
        PR_GET_TIMERSLACK, PR_GET_CHILD_SUBREAPER,
        PR_GET_THP_DISABLE, PR_SET_THP_DISABLE}) {
    r.push_back(allow(SYS_prctl, {eq32(0, option)}));
  }
  // Read-only terminal queries (isatty, window size, bytes readable).
  for (uint64_t request : {0x5401ull /* TCGETS */, 0x5413ull /* TIOCGWINSZ */,
                           0x541bull /* FIONREAD */, 0x540full /* TIOCGPGRP */}) {
    r.push_back(allow(SYS_ioctl, {eq32(1, request)}));
  }
  // FIOCLEX/FIONCLEX set the close-on-exec flag: python3 opens its script
  // and sets it this way. The flag is part of /proc/PID/fdinfo/N "flags:"
  // (O_CLOEXEC), read at capture, so no model is needed.
  r.push_back(allow(SYS_ioctl, {eq32(1, FIOCLEX)}));
  r.push_back(allow(SYS_ioctl, {eq32(1, FIONCLEX)}));
  r.push_back(allow(SYS_fcntl, {eq32(1, F_GETFD)}));
  r.push_back(allow(SYS_fcntl, {eq32(1, F_GETFL)}));
  // Reading limits is free (any process's). Setting this process's own
  // (the JVM raises its fd limit) is modelled below; another's triggers.
  r.push_back(allow(SYS_prlimit64, {eq32(0, 0), eq64(2, 0)}));
  r.push_back(allow(SYS_prlimit64, {{0, Op::kGe, 1}, eq64(2, 0)}));
  // MEMBARRIER_CMD_QUERY only; the REGISTER_* commands change state.
  r.push_back(allow(SYS_membarrier, {eq32(0, MEMBARRIER_CMD_QUERY)}));
  // Queries of the current value.
  r.push_back(allow(SYS_brk, {eq64(0, 0)}));
  r.push_back(allow(SYS_rt_sigaction, {eq64(1, 0)}));
  r.push_back(allow(SYS_sigaltstack, {eq64(0, 0)}));
  // umask is deliberately absent: it changes process state that no
  // handler models (capture could read Umask from /proc/PID/status and
  // restore set it; until then it triggers).

  // --- Modelled. -------------------------------------------------------
  // PR_SET_MM sets the layout (read from /proc at capture), the break
  // among it: the brk handler's known break is forgotten.
  r.push_back(model(SYS_prctl, H::kSetMm, false, {eq32(0, PR_SET_MM)}));
  r.push_back(model(SYS_mmap, H::kMmap, true));
  r.push_back(model(SYS_munmap, H::kMunmap, true));
  r.push_back(model(SYS_mprotect, H::kMprotect, true));
  r.push_back(model(SYS_mremap, H::kMremap, true));
  r.push_back(model(SYS_brk, H::kBrk, true, {ne64(0, 0)}));
  // The recorder sets no_new_privs to install its filter; the program is
  // told the caller's value (a cold run's).
  r.push_back(model(SYS_prctl, H::kGetNoNewPrivs, true, {eq32(0, PR_GET_NO_NEW_PRIVS)}));
  // The recorder pins itself and the program to one CPU
  // (ptracer/cpu_pinning.h); the program is told the caller's mask.
  r.push_back(model(SYS_sched_getaffinity, H::kGetAffinity, true));
  for (uint64_t mode : {O_RDONLY, O_WRONLY, O_RDWR}) {
    r.push_back(model(SYS_open, H::kOpen, true, {{1, Op::kMaskedEq, mode, kOpenWriteMask}}));
    r.push_back(model(SYS_openat, H::kOpen, true, {{2, Op::kMaskedEq, mode, kOpenWriteMask}}));
  }
  // Only to make the JVM's perf-data mkdir fail; any other triggers.
  r.push_back(model(SYS_mkdir, H::kMkdir, false));
  r.push_back(model(SYS_mkdirat, H::kMkdir, false));
  r.push_back(model(SYS_close, H::kClose, false));
  r.push_back(model(SYS_dup, H::kDup, true));
  r.push_back(model(SYS_dup2, H::kDup, true));
  r.push_back(model(SYS_dup3, H::kDup, true));
  r.push_back(model(SYS_fcntl, H::kDup, true, {eq32(1, F_DUPFD)}));
  r.push_back(model(SYS_fcntl, H::kDup, true, {eq32(1, F_DUPFD_CLOEXEC)}));
  // Close-on-exec is read from /proc/PID/fdinfo at capture.
  r.push_back(allow(SYS_fcntl, {eq32(1, F_SETFD)}));
  // Status flags: those of the program's own fds are read from fdinfo at
  // capture; fds 0-2 are the caller's descriptions, changed for real (as
  // a cold run changes them: Node's FIONBIO on stdout, gawk's O_APPEND on
  // stderr) and recorded for restore to make the same change. One rule
  // for every fd, the handler telling them apart by the fd as the kernel
  // reads it (an unsigned int): a full 64-bit `fd >= 3` would let
  // 0x100000001 through as fd 1.
  r.push_back(model(SYS_fcntl, H::kStatusFlags, true, {eq32(1, F_SETFL)}));
  r.push_back(model(SYS_ioctl, H::kStatusFlags, true, {eq32(1, FIONBIO)}));
  r.push_back(model(SYS_rt_sigaction, H::kRtSigaction, true, {ne64(1, 0)}));
  r.push_back(model(SYS_sigaltstack, H::kSigaltstack, true, {ne64(0, 0)}));
  r.push_back(model(SYS_set_tid_address, H::kSetTidAddress, false));
  // V8 (Node.js) probes for memory protection keys.
  r.push_back(model(SYS_pkey_alloc, H::kPkeyAlloc, false));
  // Returning from a handler: the JVM takes signals of its own at startup.
  r.push_back(model(SYS_rt_sigreturn, H::kRtSigreturn, false));
  r.push_back(model(SYS_readlink, H::kReadlink, true));
  r.push_back(model(SYS_readlinkat, H::kReadlink, true));
  for (int nr : {SYS_poll, SYS_ppoll, SYS_select, SYS_pselect6}) r.push_back(model(nr, H::kPoll, false));
  // mlockall replaces mm->def_flags (MCL_FUTURE), munlockall clears it:
  // the handler keeps the last successful one's flags for restore.
  r.push_back(model(SYS_mlockall, H::kLockAll, true));
  r.push_back(model(SYS_munlockall, H::kLockAll, true));
  // Threads, not processes: clone with CLONE_THREAD (the handler checks
  // the other flags), clone3 whose flags the handler reads from memory.
  r.push_back(model(SYS_clone, H::kClone, false, {{0, Op::kMaskedEq, CLONE_THREAD, CLONE_THREAD}}));
  r.push_back(model(SYS_clone3, H::kClone, false));
  for (int nr : {SYS_write, SYS_writev, SYS_pwrite64}) {
    r.push_back(model(nr, H::kWriteOutput, true, {eq32(0, 1)}));
    r.push_back(model(nr, H::kWriteOutput, true, {eq32(0, 2)}));
  }
  for (int nr : {SYS_write, SYS_writev}) r.push_back(model(nr, H::kWriteInternal, false, {{0, Op::kGe, 3}}));
  // fds restore creates anew: glibc's nscd probe makes an AF_UNIX socket
  // (never connected: connecting triggers), Python's selectors module an
  // epoll instance, libuv (Node.js) an epoll instance, self-pipes and
  // eventfds for its loops. What they hold is read at capture and
  // recreated: a pipe's contents (up to 64 KiB, when both ends are the
  // program's), an eventfd's counter, an epoll interest list. Writing into
  // the program's own pipes and eventfds is modelled below; writing to any
  // other fd above 2 triggers.
  r.push_back(model(SYS_socket, H::kNewFd, true, {eq32(0, AF_UNIX)}));
  for (int nr : {SYS_epoll_create, SYS_epoll_create1, SYS_pipe, SYS_pipe2, SYS_eventfd, SYS_eventfd2}) {
    r.push_back(model(nr, H::kNewFd, true));
  }
  r.push_back(model(SYS_epoll_ctl, H::kEpollCtl, false));
  // Waiting reports readiness; a one-shot registration that fires shows
  // disarmed in the interest list read at capture.
  for (int nr : {SYS_epoll_wait, SYS_epoll_pwait, SYS_epoll_pwait2}) r.push_back(allow(nr));
  // Setting its own limits: capture reads every limit, and restore applies
  // only those the program set (the rest are the caller's, as in a cold
  // run), so the handler notes which.
  r.push_back(model(SYS_prlimit64, H::kSetRlimit, true, {eq32(0, 0), ne64(2, 0)}));
  r.push_back(model(SYS_setrlimit, H::kSetRlimit, true));
  // POSIX timers are process state restore recreates with their ids
  // (format::TimerRecord): which timers live, on which clock, signalling
  // what, comes from /proc/PID/timers at capture; when each expires next
  // comes from the model, which sees every arming. Reading a timer
  // changes nothing.
  r.push_back(model(SYS_timer_create, H::kTimerCreate, true));
  r.push_back(model(SYS_timer_settime, H::kTimerSettime, true));
  r.push_back(model(SYS_timer_delete, H::kTimerDelete, true));
  r.push_back(allow(SYS_timer_gettime));
  r.push_back(allow(SYS_timer_getoverrun));
  r.push_back(model(SYS_connect, H::kConnect, false));
  r.push_back(model(SYS_access, H::kAccess, false));
  r.push_back(model(SYS_faccessat, H::kAccess, false));
  r.push_back(model(SYS_faccessat2, H::kAccess, false));
  return r;
}

// Filter order: libseccomp tests syscalls by priority, so the calls a
// Python startup makes thousands of times cost a few BPF instructions.
constexpr int kHotSyscalls[] = {SYS_newfstatat, SYS_read,  SYS_lseek,
                                SYS_openat,     SYS_close, SYS_mmap,
                                SYS_ioctl,      SYS_rt_sigaction, SYS_getdents64,
                                SYS_getcwd,     SYS_brk,   SYS_mprotect};

scmp_compare to_scmp(Op op) {
  switch (op) {
    case Op::kEq: return SCMP_CMP_EQ;
    case Op::kNe: return SCMP_CMP_NE;
    case Op::kLt: return SCMP_CMP_LT;
    case Op::kGe: return SCMP_CMP_GE;
    case Op::kMaskedEq: return SCMP_CMP_MASKED_EQ;
  }
  return SCMP_CMP_EQ;
}

[[noreturn]] void seccomp_fail(const char* call, long nr, int rc) {
  std::string what = std::string(call);
  if (nr >= 0) what += " for " + syscall_name(nr);
  throw std::runtime_error(what + ": " + std::strerror(-rc));
}

class FilterContext {
 public:
  FilterContext() : ctx_(seccomp_init(SCMP_ACT_TRACE(kTraceTrigger))) {
    if (!ctx_) throw std::runtime_error("seccomp_init failed");
  }
  ~FilterContext() { seccomp_release(ctx_); }
  FilterContext(const FilterContext&) = delete;
  FilterContext& operator=(const FilterContext&) = delete;
  scmp_filter_ctx get() const { return ctx_; }

 private:
  scmp_filter_ctx ctx_;
};

// libseccomp 2.5.4 has no seccomp_export_bpf_mem (2.6 adds it): export to
// a memfd and read the program back.
std::vector<sock_filter> export_bpf(scmp_filter_ctx ctx) {
  int fd = memfd_create("snappy-seccomp", MFD_CLOEXEC);
  if (fd < 0) throw std::runtime_error(std::string("memfd_create: ") + std::strerror(errno));
  int rc = seccomp_export_bpf(ctx, fd);
  if (rc < 0) {
    close(fd);
    seccomp_fail("seccomp_export_bpf", -1, rc);
  }
  off_t size = lseek(fd, 0, SEEK_END);
  std::vector<sock_filter> prog(size > 0 ? size / sizeof(sock_filter) : 0);
  ssize_t got = pread(fd, prog.data(), prog.size() * sizeof(sock_filter), 0);
  close(fd);
  if (size <= 0 || size % sizeof(sock_filter) != 0 ||
      got != static_cast<ssize_t>(size)) {
    throw std::runtime_error("seccomp_export_bpf: unexpected program size " +
                             std::to_string(size));
  }
  return prog;
}

// The calls whose rules compare the fd in arg0 as a range (>= 3, < 3).
// libseccomp compares all 64 bits and refuses a second comparison of the
// same argument in one rule, so "fd >= 3" also holds for 0x100000000,
// which the kernel (fd is an unsigned int) takes for fd 0. A call of one
// of these with any bit of arg0's upper half set is a trigger: a prefix
// before libseccomp's program says so (fd_upper_half_prefix) and
// find_rule() agrees. No real program passes such an fd.
constexpr int kRangedFdCalls[] = {SYS_read, SYS_readv, SYS_lseek, SYS_write, SYS_writev};

bool fd_upper_half_set(long nr, const uint64_t args[6]) {
  if ((args[0] >> 32) == 0) return false;
  for (int ranged : kRangedFdCalls) {
    if (nr == ranged) return true;
  }
  return false;
}

// (x86-64, nr in kRangedFdCalls, arg0's upper half != 0) -> TRACE(trigger);
// anything else falls through. Eight instructions for a call not in the
// list, against the ptrace stop every traced call costs.
std::vector<sock_filter> fd_upper_half_prefix() {
  constexpr uint32_t kArg0High = offsetof(seccomp_data, args) + 4;  // little-endian
  constexpr size_t kCalls = std::size(kRangedFdCalls);
  std::vector<sock_filter> p;
  // [0] load arch, [1] not x86-64: skip all
  p.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)));
  p.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 0));
  p.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
  for (int nr : kRangedFdCalls) {
    p.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(nr), 0, 0));
  }
  p.push_back(BPF_STMT(BPF_JMP | BPF_JA | BPF_K, 0));  // none of them: skip all
  size_t check = p.size();
  p.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kArg0High));
  p.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0));  // upper half 0: skip
  p.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | kTraceTrigger));
  size_t end = p.size();
  auto to = [&](size_t from, size_t target) { return static_cast<uint8_t>(target - (from + 1)); };
  p[1].jf = to(1, end);
  for (size_t i = 0; i < kCalls; ++i) p[3 + i].jt = to(3 + i, check);
  p[3 + kCalls].k = to(3 + kCalls, end);
  p[check + 1].jt = to(check + 1, end);
  return p;
}

// The --at point as a prefix run before libseccomp's program. libseccomp
// refuses two comparisons of one argument in a rule (seccomp_rule_add
// returns -EINVAL), so "this rule, but not when arg0 == VALUE" cannot be
// said in general (write's fd 1 rule against --at write,ARG0=1 would need
// "fd & 0xffffffff == 1 && fd != 1"). A prefix that returns TRACE(kTraceAt)
// for exactly (x86-64, nr, arg0 == VALUE) and otherwise falls through to
// the table's program is exact. libseccomp's program starts by loading the
// arch itself, so the accumulator the prefix leaves behind does not matter.
std::vector<sock_filter> at_prefix(const AtPoint& at) {
  constexpr uint32_t kArgs0 = offsetof(seccomp_data, args);
  std::vector<sock_filter> p;
  auto load = [&](uint32_t off) {
    p.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, off));
  };
  // jf is patched below to skip to the end of the prefix.
  auto jump_unless = [&](uint32_t k) {
    p.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, k, 0, 0));
  };
  load(offsetof(seccomp_data, arch));
  jump_unless(AUDIT_ARCH_X86_64);
  load(offsetof(seccomp_data, nr));
  jump_unless(static_cast<uint32_t>(at.nr));
  if (at.arg0) {  // x86-64 is little-endian: the low half comes first
    load(kArgs0);
    jump_unless(static_cast<uint32_t>(*at.arg0));
    load(kArgs0 + 4);
    jump_unless(static_cast<uint32_t>(*at.arg0 >> 32));
  }
  p.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | kTraceAt));
  for (size_t i = 0; i < p.size(); ++i) {
    if (BPF_CLASS(p[i].code) == BPF_JMP) p[i].jf = p.size() - (i + 1);
  }
  return p;
}

}  // namespace

bool ArgCondition::holds(uint64_t v) const {
  switch (op) {
    case Op::kEq: return v == value;
    case Op::kNe: return v != value;
    case Op::kLt: return v < value;
    case Op::kGe: return v >= value;
    case Op::kMaskedEq: return (v & mask) == value;
  }
  return false;
}

bool SyscallRule::matches(const uint64_t args[6]) const {
  for (const ArgCondition& c : when) {
    if (!c.holds(args[c.arg])) return false;
  }
  return true;
}

const std::vector<SyscallRule>& syscall_rules() {
  static const std::vector<SyscallRule> rules = make_rules();
  return rules;
}

namespace {

std::string name_in_arch(uint32_t arch, long nr) {
  if (nr >= 0 && nr <= INT32_MAX) {
    char* name = seccomp_syscall_resolve_num_arch(arch, static_cast<int>(nr));
    if (name) {
      std::string s(name);
      std::free(name);
      return s;
    }
  }
  return "syscall_" + std::to_string(nr);
}

}  // namespace

std::string syscall_name(long nr) { return name_in_arch(SCMP_ARCH_X86_64, nr); }

std::string i386_syscall_name(long nr) { return name_in_arch(SCMP_ARCH_X86, nr); }

std::optional<long> syscall_number(std::string_view name) {
  std::string s(name);
  int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, s.c_str());
  // __NR_SCMP_ERROR is -1; other negative numbers are libseccomp's
  // pseudo-syscalls for names that do not exist on x86-64 (socketcall).
  if (nr < 0) return std::nullopt;
  return nr;
}

const SyscallRule* find_rule(long nr, const uint64_t args[6]) {
  if (fd_upper_half_set(nr, args)) return nullptr;
  for (const SyscallRule& rule : syscall_rules()) {
    if (rule.nr == nr && rule.matches(args)) return &rule;
  }
  return nullptr;
}

AtPoint AtPoint::parse(std::string_view text) {
  std::string_view name = text, cond;
  if (size_t comma = text.find(','); comma != std::string_view::npos) {
    name = text.substr(0, comma);
    cond = text.substr(comma + 1);
  }
  std::optional<long> nr = syscall_number(name);
  if (name.empty() || !nr) {
    throw std::invalid_argument("unknown syscall '" + std::string(name) + "'");
  }
  AtPoint at{*nr, std::nullopt, std::nullopt};
  if (text.size() == name.size()) return at;  // no comma at all

  constexpr std::string_view kPath = "path=";
  if (cond.substr(0, kPath.size()) == kPath) {
    if (!path_argument(*nr)) {
      throw std::invalid_argument(std::string(name) + " has no path argument (path=PREFIX is for open, openat, "
                                  "access, stat-likes, mkdir, execve, unlink, ...)");
    }
    if (cond.size() == kPath.size()) throw std::invalid_argument("empty path prefix in '" + std::string(cond) + "'");
    at.path_prefix = std::string(cond.substr(kPath.size()));
    return at;
  }
  constexpr std::string_view kPrefix = "ARG0=";
  if (cond.substr(0, kPrefix.size()) != kPrefix) {
    throw std::invalid_argument("bad argument condition '" + std::string(cond) +
                                "' (ARG0=VALUE or path=PREFIX expected)");
  }
  std::string_view v = cond.substr(kPrefix.size());
  // A leading '-' gives the sign-extended value a C int argument has in
  // its register (openat,ARG0=-100 is AT_FDCWD).
  bool negative = !v.empty() && v[0] == '-';
  if (negative) v.remove_prefix(1);
  int base = 10;
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
    base = 16;
    v.remove_prefix(2);
  }
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value, base);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size()) {
    throw std::invalid_argument("bad value in argument condition '" +
                                std::string(cond) + "' (decimal or 0x-hex expected)");
  }
  at.arg0 = negative ? ~value + 1 : value;
  return at;
}

bool AtPoint::matches(long call_nr, const uint64_t args[6]) const {
  return call_nr == nr && (!arg0 || args[0] == *arg0);
}

std::vector<sock_filter> compile_rule_program() {
  if (seccomp_arch_native() != SCMP_ARCH_X86_64) {
    throw std::runtime_error("seccomp filter: only x86-64 is supported");
  }
  FilterContext ctx;
  // int 0x80 (AUDIT_ARCH_I386) reaches the bad-arch action, which would
  // otherwise kill the process. x32 numbers (nr | 0x40000000, arch
  // AUDIT_ARCH_X86_64) are sent by libseccomp 2.5.4 to the *default*
  // action (it emits "nr >= 0x40000000 && nr != -1 -> default" right after
  // the arch check), which is TRACE(kTraceTrigger) too.
  if (int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH,
                                SCMP_ACT_TRACE(kTraceTrigger));
      rc < 0) {
    seccomp_fail("seccomp_attr_set(SCMP_FLTATR_ACT_BADARCH)", -1, rc);
  }
  const std::vector<SyscallRule>& rules = syscall_rules();
  for (size_t i = 0; i < rules.size(); ++i) {
    const SyscallRule& rule = rules[i];
    uint32_t action = rule.action == SyscallAction::kAllow
                          ? SCMP_ACT_ALLOW
                          : SCMP_ACT_TRACE(kTraceRuleBase + i);
    std::vector<scmp_arg_cmp> cmps;
    for (const ArgCondition& c : rule.when) {
      scmp_arg_cmp cmp{c.arg, to_scmp(c.op), c.value, 0};
      if (c.op == Op::kMaskedEq) cmp = {c.arg, SCMP_CMP_MASKED_EQ, c.mask, c.value};
      cmps.push_back(cmp);
    }
    // _exact: no rewriting of the rule for the arch (none is needed on
    // x86-64, and a silent rewrite would break the table's meaning).
    int rc = seccomp_rule_add_exact_array(ctx.get(), action, rule.nr,
                                          cmps.size(), cmps.data());
    if (rc < 0) seccomp_fail("seccomp_rule_add_exact_array", rule.nr, rc);
  }
  uint8_t priority = 255;
  for (int nr : kHotSyscalls) {
    if (int rc = seccomp_syscall_priority(ctx.get(), nr, priority--); rc < 0) {
      seccomp_fail("seccomp_syscall_priority", nr, rc);
    }
  }
  return export_bpf(ctx.get());
}

std::vector<sock_filter> build_seccomp_filter(const std::optional<AtPoint>& at,
                                              std::span<const sock_filter> rule_program) {
  std::vector<sock_filter> prog;
  if (at) prog = at_prefix(*at);  // first: the --at point is taken whatever the table says
  std::vector<sock_filter> fd_check = fd_upper_half_prefix();
  prog.insert(prog.end(), fd_check.begin(), fd_check.end());
  prog.insert(prog.end(), rule_program.begin(), rule_program.end());
  if (prog.size() > BPF_MAXINSNS) {
    throw std::runtime_error("seccomp filter: " + std::to_string(prog.size()) +
                             " instructions, the kernel takes at most " +
                             std::to_string(BPF_MAXINSNS));
  }
  return prog;
}

std::vector<sock_filter> build_seccomp_filter(const std::optional<AtPoint>& at) {
  return build_seccomp_filter(at, compile_rule_program());
}

}  // namespace snappy
