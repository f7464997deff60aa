// common/raw_syscall.h writes syscall numbers and struct stat out by hand
// for the freestanding programs; these checks tie them to the system
// headers at compile time; the test body checks a few calls at run time.
#include "common/raw_syscall.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <asm/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>

#include <gtest/gtest.h>

namespace snappy {
namespace {

static_assert(sys::kPoll == SYS_poll);
static_assert(sys::kFstatfs == SYS_fstatfs);
static_assert(sys::kNanosleep == SYS_nanosleep);
static_assert(sys::kKill == SYS_kill);
static_assert(sys::kClone3 == SYS_clone3);
static_assert(sys::kMount == SYS_mount);
static_assert(sys::kSignalfd4 == SYS_signalfd4);
static_assert(sys::kCapset == SYS_capset);
static_assert(sizeof(sys::KernelStatfs) == sizeof(struct statfs));
static_assert(offsetof(sys::KernelStatfs, f_flags) == offsetof(struct statfs, f_flags));
static_assert(sys::kStNoexec == ST_NOEXEC);  // ST_VALID (0x20) is the kernel's alone
static_assert(sizeof(sys::PollFd) == sizeof(struct pollfd) && sys::kPollOut == POLLOUT);
static_assert(sys::kRead == SYS_read);
static_assert(sys::kWrite == SYS_write);
static_assert(sys::kClose == SYS_close);
static_assert(sys::kFstat == SYS_fstat);
static_assert(sys::kLseek == SYS_lseek);
static_assert(sys::kMmap == SYS_mmap);
static_assert(sys::kMprotect == SYS_mprotect);
static_assert(sys::kMunmap == SYS_munmap);
static_assert(sys::kRtSigaction == SYS_rt_sigaction);
static_assert(sys::kRtSigprocmask == SYS_rt_sigprocmask);
static_assert(sys::kRtSigreturn == SYS_rt_sigreturn);
static_assert(sys::kPread64 == SYS_pread64);
static_assert(sys::kWritev == SYS_writev);
static_assert(sys::kMremap == SYS_mremap);
static_assert(sys::kGetpid == SYS_getpid);
static_assert(sys::kExit == SYS_exit);
static_assert(sys::kFcntl == SYS_fcntl);
static_assert(sys::kUmask == SYS_umask);
static_assert(sys::kPrctl == SYS_prctl);
static_assert(sys::kArchPrctl == SYS_arch_prctl);
static_assert(sys::kGettid == SYS_gettid);
static_assert(sys::kSetTidAddress == SYS_set_tid_address);
static_assert(sys::kExitGroup == SYS_exit_group);
static_assert(sys::kOpenat == SYS_openat);
static_assert(sys::kSetRobustList == SYS_set_robust_list);
static_assert(sys::kDup3 == SYS_dup3);
static_assert(sys::kPrlimit64 == SYS_prlimit64);
static_assert(sys::kRseq == SYS_rseq);
static_assert(sys::kPidfdOpen == SYS_pidfd_open);
static_assert(sys::kProcessMadvise == SYS_process_madvise);

// The kernel's struct stat on x86-64 is glibc's struct stat.
#define SAME_FIELD(kernel, libc)                                        \
  static_assert(offsetof(sys::KernelStat, kernel) == offsetof(struct stat, libc) && \
                sizeof(sys::KernelStat::kernel) == sizeof(((struct stat*)nullptr)->libc))
static_assert(sizeof(sys::KernelStat) == sizeof(struct stat));
SAME_FIELD(st_dev, st_dev);
SAME_FIELD(st_ino, st_ino);
SAME_FIELD(st_nlink, st_nlink);
SAME_FIELD(st_mode, st_mode);
SAME_FIELD(st_uid, st_uid);
SAME_FIELD(st_gid, st_gid);
SAME_FIELD(st_rdev, st_rdev);
SAME_FIELD(st_size, st_size);
SAME_FIELD(st_blksize, st_blksize);
SAME_FIELD(st_blocks, st_blocks);
SAME_FIELD(st_atime_sec, st_atim.tv_sec);
SAME_FIELD(st_atime_nsec, st_atim.tv_nsec);
SAME_FIELD(st_mtime_sec, st_mtim.tv_sec);
SAME_FIELD(st_mtime_nsec, st_mtim.tv_nsec);
SAME_FIELD(st_ctime_sec, st_ctim.tv_sec);
SAME_FIELD(st_ctime_nsec, st_ctim.tv_nsec);
#undef SAME_FIELD

// The UAPI constants the freestanding code carries.
static_assert(sys::kAtFdcwd == AT_FDCWD);
static_assert(sys::kO_RDONLY == O_RDONLY && sys::kO_CLOEXEC == O_CLOEXEC);
static_assert(sys::kProtNone == PROT_NONE && sys::kProtRead == PROT_READ &&
              sys::kProtWrite == PROT_WRITE && sys::kProtExec == PROT_EXEC);
static_assert(sys::kMapShared == MAP_SHARED && sys::kMapPrivate == MAP_PRIVATE &&
              sys::kMapFixed == MAP_FIXED && sys::kMapAnonymous == MAP_ANONYMOUS &&
              sys::kMapNoreserve == MAP_NORESERVE &&
              sys::kMapFixedNoreplace == MAP_FIXED_NOREPLACE);
static_assert(sys::kMremapMaymove == MREMAP_MAYMOVE && sys::kMremapFixed == MREMAP_FIXED);
static_assert(sys::kSeekSet == SEEK_SET && sys::kSigSetmask == SIG_SETMASK);
static_assert(sys::kArchSetGs == ARCH_SET_GS && sys::kArchSetFs == ARCH_SET_FS);
static_assert(sys::kPrSetMm == PR_SET_MM && sys::kPrSetMmMap == PR_SET_MM_MAP &&
              sys::kPrSetMmMapSize == PR_SET_MM_MAP_SIZE);
static_assert(sys::kRlimitStack == RLIMIT_STACK);

TEST(RawSyscall, MatchesLibc) {
  EXPECT_EQ(sys::syscall0(sys::kGetpid), getpid());
  EXPECT_EQ(sys::gettid(), gettid());
  sys::KernelStat ks;
  struct stat st;
  ASSERT_EQ(sys::fstat(0, &ks), 0);
  ASSERT_EQ(fstat(0, &st), 0);
  EXPECT_EQ(ks.st_ino, st.st_ino);
  EXPECT_EQ(ks.st_mode, st.st_mode);
  EXPECT_EQ(sys::close(-1), -EBADF);
  EXPECT_TRUE(sys::is_error(-EBADF));
  EXPECT_FALSE(sys::is_error(-4096));
}

}  // namespace
}  // namespace snappy
