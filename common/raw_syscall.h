// Raw Linux x86-64 system calls for the freestanding programs (elf_loader,
// restore). No libc: every function returns the kernel's result, which is
// -errno (in -4095..-1) on failure.
//
// Register ABI (arch/x86/entry/entry_64.S): the number goes in rax, the
// arguments in rdi, rsi, rdx, r10, r8, r9; `syscall` clobbers rcx (return
// address) and r11 (rflags); the result comes back in rax.
//
// The numbers are written out here because the freestanding build sees no
// system headers; tests/unit/raw_syscall_test.cc checks each against
// <sys/syscall.h>.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace snappy::sys {

enum Nr : long {
  kRead = 0,
  kWrite = 1,
  kClose = 3,
  kFstat = 5,
  kLseek = 8,
  kMmap = 9,
  kMprotect = 10,
  kMunmap = 11,
  kRtSigaction = 13,
  kRtSigprocmask = 14,
  kRtSigreturn = 15,
  kPread64 = 17,
  kWritev = 20,
  kMremap = 25,
  kGetpid = 39,
  kExit = 60,
  kFcntl = 72,
  kUmask = 95,
  kPrctl = 157,
  kArchPrctl = 158,
  kGettid = 186,
  kFutex = 202,
  kSetTidAddress = 218,
  kExitGroup = 231,
  kOpenat = 257,
  kSetRobustList = 273,
  kDup3 = 292,
  kPrlimit64 = 302,
  kRseq = 334,
  kPidfdOpen = 434,
  kProcessMadvise = 440,
};

inline long syscall6(long nr, long a0, long a1, long a2, long a3, long a4,
                     long a5) {
  register long r10 __asm__("r10") = a3;
  register long r8 __asm__("r8") = a4;
  register long r9 __asm__("r9") = a5;
  long ret;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8),
                     "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}

inline long syscall0(long nr) { return syscall6(nr, 0, 0, 0, 0, 0, 0); }
inline long syscall1(long nr, long a0) { return syscall6(nr, a0, 0, 0, 0, 0, 0); }
inline long syscall2(long nr, long a0, long a1) {
  return syscall6(nr, a0, a1, 0, 0, 0, 0);
}
inline long syscall3(long nr, long a0, long a1, long a2) {
  return syscall6(nr, a0, a1, a2, 0, 0, 0);
}
inline long syscall4(long nr, long a0, long a1, long a2, long a3) {
  return syscall6(nr, a0, a1, a2, a3, 0, 0);
}

inline bool is_error(long ret) { return ret < 0 && ret > -4096; }

// Constants from the kernel UAPI headers that the freestanding code needs.
constexpr int kAtFdcwd = -100;
constexpr int kO_RDONLY = 0;
constexpr int kO_WRONLY = 1;
constexpr int kO_CLOEXEC = 02000000;
constexpr int kProtNone = 0, kProtRead = 1, kProtWrite = 2, kProtExec = 4;
constexpr int kMapShared = 0x01, kMapPrivate = 0x02, kMapFixed = 0x10,
              kMapAnonymous = 0x20, kMapNoreserve = 0x4000,
              kMapDroppable = 0x08,  // a map type, like MAP_PRIVATE (Linux 6.11)
              kMapFixedNoreplace = 0x100000;
constexpr int kMremapMaymove = 1, kMremapFixed = 2;
constexpr int kSeekSet = 0, kSeekData = 3, kSeekHole = 4;  // SEEK_DATA, SEEK_HOLE: Linux 3.1
constexpr int kEnxio = 6;  // lseek SEEK_DATA: no data at or after the offset
constexpr int kSigSetmask = 2;
constexpr int kArchSetGs = 0x1001, kArchSetFs = 0x1002;
constexpr int kPrSetMm = 35, kPrSetMmMap = 14, kPrSetMmMapSize = 15;
constexpr int kRlimitStack = 3;
constexpr long kPageSize = 4096;

// ssize_t read(int fd, void *buf, size_t count);
inline long read(int fd, void* buf, size_t n) {
  return syscall3(kRead, fd, (long)buf, (long)n);
}
// ssize_t write(int fd, const void *buf, size_t count);
inline long write(int fd, const void* buf, size_t n) {
  return syscall3(kWrite, fd, (long)buf, (long)n);
}
// ssize_t pread64(int fd, void *buf, size_t count, off_t offset);
inline long pread(int fd, void* buf, size_t n, long off) {
  return syscall4(kPread64, fd, (long)buf, (long)n, off);
}
struct IoVec {
  const void* base;
  size_t len;
};
// ssize_t writev(int fd, const struct iovec *iov, int iovcnt);
inline long writev(int fd, const IoVec* iov, int n) {
  return syscall3(kWritev, fd, (long)iov, n);
}
// int openat(int dirfd, const char *pathname, int flags, mode_t mode);
inline long openat(int dirfd, const char* path, int flags, int mode = 0) {
  return syscall4(kOpenat, dirfd, (long)path, flags, mode);
}
inline long open(const char* path, int flags) {
  return openat(kAtFdcwd, path, flags);
}
// int close(int fd);
inline long close(int fd) { return syscall1(kClose, fd); }
// off_t lseek(int fd, off_t offset, int whence);
inline long lseek(int fd, long off, int whence) {
  return syscall3(kLseek, fd, off, whence);
}
// int dup3(int oldfd, int newfd, int flags);
inline long dup3(int oldfd, int newfd, int flags) {
  return syscall3(kDup3, oldfd, newfd, flags);
}
// int fcntl(int fd, int cmd, ... /* arg */ );
inline long fcntl(int fd, int cmd, long arg) {
  return syscall3(kFcntl, fd, cmd, arg);
}

// The kernel's struct stat for x86-64 (arch/x86/include/uapi/asm/stat.h).
struct KernelStat {
  uint64_t st_dev;
  uint64_t st_ino;
  uint64_t st_nlink;
  uint32_t st_mode;
  uint32_t st_uid;
  uint32_t st_gid;
  uint32_t pad0;
  uint64_t st_rdev;
  int64_t st_size;
  int64_t st_blksize;
  int64_t st_blocks;
  uint64_t st_atime_sec, st_atime_nsec;
  uint64_t st_mtime_sec, st_mtime_nsec;
  uint64_t st_ctime_sec, st_ctime_nsec;
  int64_t reserved[3];
};
static_assert(sizeof(KernelStat) == 144, "struct stat layout");
// int fstat(int fd, struct stat *statbuf);
inline long fstat(int fd, KernelStat* st) {
  return syscall2(kFstat, fd, (long)st);
}

// void *mmap(void *addr, size_t length, int prot, int flags, int fd,
//            off_t offset);
inline long mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd,
                 uint64_t off) {
  return syscall6(kMmap, (long)addr, (long)len, prot, flags, fd, (long)off);
}
// int munmap(void *addr, size_t length);
inline long munmap(uint64_t addr, uint64_t len) {
  return syscall2(kMunmap, (long)addr, (long)len);
}
// int mprotect(void *addr, size_t len, int prot);
inline long mprotect(uint64_t addr, uint64_t len, int prot) {
  return syscall3(kMprotect, (long)addr, (long)len, prot);
}
// int madvise(void *addr, size_t length, int advice);
inline long madvise(uint64_t addr, uint64_t len, int advice) {
  return syscall3(28 /* SYS_madvise */, (long)addr, (long)len, advice);
}
// MADV_POPULATE_READ, MADV_POPULATE_WRITE (Linux 5.14): fault a range in
// for reading or writing now, as the first access would (a write on a
// MAP_PRIVATE mapping makes the private copies).
constexpr int kMadvPopulateRead = 22;
constexpr int kMadvPopulateWrite = 23;
// int pidfd_open(pid_t pid, unsigned int flags);
inline long pidfd_open(long pid) { return syscall2(kPidfdOpen, pid, 0); }
// ssize_t process_madvise(int pidfd, const struct iovec *iovec, size_t n,
//                         int advice, unsigned int flags);
// Any advice on the caller itself since Linux 6.13; at most UIO_MAXIOV
// (1024) ranges a call; returns the bytes advised.
inline long process_madvise(int pidfd, const IoVec* iov, uint64_t n, int advice) {
  return syscall6(kProcessMadvise, pidfd, (long)iov, (long)n, advice, 0, 0);
}
// int mlock(const void *addr, size_t len);
inline long mlock(uint64_t addr, uint64_t len) {
  return syscall2(149 /* SYS_mlock */, (long)addr, (long)len);
}
// int mlock2(const void *addr, size_t len, unsigned int flags);
inline long mlock2(uint64_t addr, uint64_t len, unsigned flags) {
  return syscall3(325 /* SYS_mlock2 */, (long)addr, (long)len, (long)flags);
}

// Linux 5.9; ENOSYS before.
inline long close_range(unsigned first, unsigned last, unsigned flags) {
  return syscall3(436 /* SYS_close_range */, first, last, flags);
}
constexpr unsigned kMlockOnfault = 1;
// int mlockall(int flags);
inline long mlockall(int flags) { return syscall2(151 /* SYS_mlockall */, flags, 0); }
constexpr int kMclFuture = 2, kMclOnfault = 4;
// int capget(cap_user_header_t hdrp, cap_user_data_t datap);
// (linux/capability.h: version 3 takes two data structs, 64 capabilities.)
struct CapHeader {
  uint32_t version;
  int pid;
};
struct CapData {
  uint32_t effective, permitted, inheritable;
};
constexpr uint32_t kCapabilityVersion3 = 0x20080522;
inline long capget(CapHeader* header, CapData (*data)[2]) { return syscall2(125 /* SYS_capget */, (long)header, (long)data); }
// void *mremap(void *old_address, size_t old_size, size_t new_size,
//              int flags, ... /* void *new_address */);
inline long mremap(uint64_t old_addr, uint64_t old_len, uint64_t new_len,
                   int flags, uint64_t new_addr) {
  return syscall6(kMremap, (long)old_addr, (long)old_len, (long)new_len, flags,
                  (long)new_addr, 0);
}

// The kernel's struct sigaction (not libc's): handler, flags, restorer,
// then an 8-byte mask (arch/x86/include/uapi/asm/signal.h).
struct KernelSigaction {
  uint64_t handler;
  uint64_t flags;
  uint64_t restorer;
  uint64_t mask;
};
// int rt_sigaction(int sig, const struct sigaction *act,
//                  struct sigaction *oact, size_t sigsetsize);
inline long rt_sigaction(int sig, const KernelSigaction* act,
                         KernelSigaction* old) {
  return syscall4(kRtSigaction, sig, (long)act, (long)old, 8);
}
// int rt_sigprocmask(int how, const sigset_t *set, sigset_t *oldset,
//                    size_t sigsetsize);
inline long rt_sigprocmask(int how, const uint64_t* set, uint64_t* old) {
  return syscall4(kRtSigprocmask, how, (long)set, (long)old, 8);
}
// int arch_prctl(int code, unsigned long addr);
inline long arch_prctl(int code, uint64_t addr) {
  return syscall2(kArchPrctl, code, (long)addr);
}
// int prctl(int option, unsigned long arg2, arg3, arg4, arg5);
inline long prctl(int option, long a2, long a3, long a4, long a5) {
  return syscall6(kPrctl, option, a2, a3, a4, a5, 0);
}
// pid_t set_tid_address(int *tidptr);
inline long set_tid_address(uint64_t tidptr) {
  return syscall1(kSetTidAddress, (long)tidptr);
}
// long set_robust_list(struct robust_list_head *head, size_t len);
inline long set_robust_list(uint64_t head, uint64_t len) {
  return syscall2(kSetRobustList, (long)head, (long)len);
}
// int rseq(struct rseq *rseq, uint32_t rseq_len, int flags, uint32_t sig);
inline long rseq(uint64_t area, uint32_t len, int flags, uint32_t sig) {
  return syscall4(kRseq, (long)area, len, flags, sig);
}
// mode_t umask(mode_t mask);
inline long umask(int mask) { return syscall1(kUmask, mask); }
struct Rlimit {
  uint64_t cur, max;
};
// int prlimit(pid_t pid, int resource, const struct rlimit *new,
//             struct rlimit *old);
inline long prlimit(int resource, const Rlimit* new_limit, Rlimit* old) {
  return syscall4(kPrlimit64, 0, resource, (long)new_limit, (long)old);
}
// pid_t gettid(void);
inline long gettid() { return syscall0(kGettid); }
// noreturn void exit_group(int status);
[[noreturn]] inline void exit_group(int status) {
  for (;;) syscall1(kExitGroup, status);
}

}  // namespace snappy::sys

// Appended for elf_loader.
namespace snappy::sys {

constexpr long kFaccessat = 269;
// int faccessat(int dirfd, const char *pathname, int mode);
// (the raw syscall has no flags argument; mode X_OK = 1 checks execute)
inline long faccessat(int dirfd, const char* path, int mode) {
  return syscall3(kFaccessat, dirfd, (long)path, mode);
}

// int socket(int domain, int type, int protocol);
inline long socket(int domain, int type, int protocol) { return syscall3(41, domain, type, protocol); }
// int epoll_create1(int flags);
inline long epoll_create1(int flags) { return syscall1(291, flags); }
// int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
// struct epoll_event is packed on x86-64: events, then data at offset 4.
struct __attribute__((packed)) EpollEvent {
  uint32_t events;
  uint64_t data;
};
constexpr int kEpollCtlAdd = 1;
inline long epoll_ctl(int epfd, int op, int fd, const EpollEvent* event) {
  return syscall4(233, epfd, op, fd, (long)event);
}
// int pipe2(int fds[2], int flags);
inline long pipe2(int* fds, int flags) { return syscall2(293, (long)fds, flags); }
// int eventfd2(unsigned int initval, int flags);
inline long eventfd2(unsigned initval, int flags) { return syscall2(290, initval, flags); }
constexpr int kFSetfl = 4, kO_NONBLOCK = 04000;
// clone(SIGCHLD, 0, ...): fork(2) without libc; the child returns 0 on a
// copy of the same stack.
// futex(2) on a process-private word. FUTEX_WAKE_OP also changes a second
// word: (op << 28) | (oparg << 12) in val3 with FUTEX_OP_ADD = 1.
constexpr int kFutexWaitPrivate = 0 | 128, kFutexWakeOpPrivate = 5 | 128;
constexpr uint32_t kFutexOpAddOne = (1u << 28) | (1u << 12);
inline long futex_wait(const volatile uint32_t* word, uint32_t expected) {
  return syscall4(kFutex, (long)word, kFutexWaitPrivate, expected, 0);
}
inline long fork() { return syscall2(56, 17 /* SIGCHLD */, 0); }
// pid_t wait4(pid_t pid, int *wstatus, int options, struct rusage *rusage);
inline long wait4(int pid, int* status, int options) { return syscall4(61, pid, (long)status, options, 0); }
// uid_t geteuid(void);
inline long geteuid() { return syscall0(107); }
// pid_t getpid(void);
inline long getpid() { return syscall0(kGetpid); }
// int chdir(const char *path);
inline long chdir(const char* path) { return syscall1(80, (long)path); }
// int poll(struct pollfd *fds, nfds_t nfds, int timeout);
struct PollFd {
  int fd;
  short events, revents;
};
constexpr short kPollOut = 4;
constexpr long kPoll = 7, kFstatfs = 138, kNanosleep = 35, kKill = 62;
inline long poll(PollFd* fds, unsigned long n, int timeout_ms) { return syscall3(kPoll, (long)fds, (long)n, timeout_ms); }
// int fstatfs(int fd, struct statfs *buf): the kernel's struct statfs for
// x86-64, f_flags (ST_*) at byte 80 of 120.
struct KernelStatfs {
  uint64_t f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree, f_fsid, f_namelen, f_frsize, f_flags;
  uint64_t f_spare[4];
};
static_assert(sizeof(KernelStatfs) == 120, "struct statfs layout");
constexpr uint64_t kStValid = 0x20, kStNoexec = 8;
inline long fstatfs(int fd, KernelStatfs* buf) { return syscall2(kFstatfs, fd, (long)buf); }
// int nanosleep(const struct timespec *req, struct timespec *rem);
struct Timespec {
  int64_t sec, nsec;
};
inline long nanosleep(const Timespec* t) { return syscall2(kNanosleep, (long)t, 0); }
// int kill(pid_t pid, int sig);
inline long kill(int pid, int sig) { return syscall2(kKill, pid, sig); }
// int sigaltstack(const stack_t *ss, stack_t *old_ss);
inline long sigaltstack(const void* ss, void* old) { return syscall2(131, (long)ss, (long)old); }

// Namespaces (restore --pid-ns, restore/pid_namespace.cc).
constexpr long kClone3 = 435, kMount = 165, kSignalfd4 = 289, kCapset = 126;
// struct clone_args (linux/sched.h, CLONE_ARGS_SIZE_VER2 = 88 bytes: with
// set_tid and cgroup). long clone3(struct clone_args *args, size_t size);
// without CLONE_VM the child returns 0 on a copy of the caller's stack.
struct CloneArgs {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};
static_assert(sizeof(CloneArgs) == 88, "struct clone_args layout");
constexpr uint64_t kCloneNewns = 0x20000, kCloneNewuser = 0x10000000, kCloneNewpid = 0x20000000;
inline long clone3(const CloneArgs* args) { return syscall2(kClone3, (long)args, sizeof(CloneArgs)); }
// int mount(const char *source, const char *target, const char *fstype,
//           unsigned long flags, const void *data);
constexpr long kMsNosuid = 2, kMsNodev = 4, kMsNoexec = 8, kMsRec = 0x4000, kMsPrivate = 1 << 18;
inline long mount(const char* source, const char* target, const char* type, long flags) {
  return syscall6(kMount, (long)source, (long)target, (long)type, flags, 0, 0);
}
// int signalfd4(int fd, const sigset_t *mask, size_t sizemask, int flags);
// each read gives whole 128-byte struct signalfd_siginfo records.
struct SignalfdSiginfo {
  uint32_t signo;
  int32_t error, code;
  uint32_t pid, uid;
  int32_t fd;
  uint32_t tid, band, overrun, trapno;
  int32_t status, int_value;
  uint64_t ptr, utime, stime, addr;
  uint8_t pad[48];
};
static_assert(sizeof(SignalfdSiginfo) == 128, "struct signalfd_siginfo layout");
constexpr int32_t kSiKernel = 0x80;  // si_code of a signal the kernel sent (a terminal's SIGINT)
inline long signalfd4(int fd, const uint64_t* mask, int flags) { return syscall4(kSignalfd4, fd, (long)mask, 8, flags); }
// int capset(cap_user_header_t hdrp, const cap_user_data_t datap);
inline long capset(CapHeader* header, const CapData (*data)[2]) { return syscall2(kCapset, (long)header, (long)data); }

// POSIX timers. struct sigevent as the kernel reads it (64 bytes; the
// thread id of SIGEV_THREAD_ID in the union after the first 16).
struct KernelSigevent {
  uint64_t value;
  int32_t signo, notify;
  int32_t tid;
  int32_t pad[11];
};
static_assert(sizeof(KernelSigevent) == 64, "struct sigevent layout");
struct ItimerSpec {
  Timespec interval, value;
};
// int timer_create(clockid_t clockid, struct sigevent *sevp, timer_t *id):
// the kernel's timer_t is an int. With PR_TIMER_CREATE_RESTORE_IDS on, *id
// is read as the id wanted (EBUSY if taken).
inline long timer_create(int clock, const KernelSigevent* ev, int32_t* id) {
  return syscall3(222, clock, (long)ev, (long)id);
}
// int timer_settime(timer_t id, int flags, const struct itimerspec *new, struct itimerspec *old);
inline long timer_settime(int32_t id, int flags, const ItimerSpec* value) {
  return syscall4(223, id, flags, (long)value, 0);
}
// int timer_delete(timer_t id);
inline long timer_delete(int32_t id) { return syscall1(226, id); }
// prctl(PR_TIMER_CREATE_RESTORE_IDS, OFF 0 | ON 1 | GET 2), Linux 6.15
// (uapi/linux/prctl.h; EINVAL before).
constexpr int kPrTimerCreateRestoreIds = 77;
constexpr long kRestoreIdsOff = 0, kRestoreIdsOn = 1, kRestoreIdsGet = 2;

}  // namespace snappy::sys
