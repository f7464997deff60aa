// A thread stopped by a signal while blocked in a system call (a futex
// wait, a sleep, poll) has rax = -ERESTART* and rip just past `syscall`:
// the kernel rewinds it only when the signal is handled or ignored
// (arch_do_signal_or_restart). Whoever keeps such a thread's registers must
// do the same rewind, or the thread would see the internal error code.
#pragma once

#include <sys/syscall.h>
#include <sys/user.h>

namespace snappy {

inline constexpr long kErestartSys = -512, kErestartNoIntr = -513, kErestartNoHand = -514,
                      kErestartBlock = -516;
inline constexpr long kSysRestartSyscall = SYS_restart_syscall;

inline bool is_restart_code(long rax) {
  return rax == kErestartSys || rax == kErestartNoIntr || rax == kErestartNoHand || rax == kErestartBlock;
}

// How an -ERESTART_RESTARTBLOCK call (nanosleep, futex wait with a timeout,
// poll) is restarted.
enum class RestartBlock {
  kRestartSyscall,  // restart_syscall(2): the same process goes on (snap's
                    // detach), the kernel's restart block is still there
  kReissue,         // the original call with its original arguments: a
                    // restored process has no restart block, so the wait
                    // starts over with its full timeout
};

// A thread at a system call's entry (a seccomp stop: the call has not run)
// resumes with these to make the call itself: rip back over `syscall`
// (0f 05) or `int $0x80` (cd 80), the number in rax again.
inline user_regs_struct reenter_syscall(user_regs_struct r) {
  r.rip -= 2;
  r.rax = r.orig_rax;
  return r;
}

// The registers the thread must resume with so that an interrupted call is
// made again; any other registers unchanged.
inline user_regs_struct rewind_interrupted_syscall(user_regs_struct r, RestartBlock block) {
  if (static_cast<long>(r.orig_rax) >= 0 && is_restart_code(static_cast<long>(r.rax))) {
    bool restart_block = static_cast<long>(r.rax) == kErestartBlock;
    r.rax = restart_block && block == RestartBlock::kRestartSyscall ? kSysRestartSyscall : r.orig_rax;
    r.rip -= 2;
    r.orig_rax = static_cast<unsigned long long>(-1);
  }
  return r;
}

}  // namespace snappy
