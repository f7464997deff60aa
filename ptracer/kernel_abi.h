// The kernel structs the syscall model reads from tracee memory, x86-64
// only (the only ABI ptracer records). Where the uapi headers have the
// struct and it does not clash with glibc's, it is theirs (clone_args);
// where glibc's copy is the kernel's layout (stack_t, struct sigcontext,
// struct iovec, struct pollfd), glibc's, with its size asserted here; where
// neither fits (glibc's ucontext_t is not the kernel's frame), a small
// struct naming the kernel source, its size asserted.
#pragma once

#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>

// After <sched.h>: it repeats glibc's CLONE_* with the same values.
#include <linux/sched.h>

namespace snappy {

// include/uapi/linux/sched.h; clone3 takes its size (the first version,
// CLONE_ARGS_SIZE_VER0, is 64 bytes: up to tls).
using KernelCloneArgs = clone_args;
static_assert(sizeof(KernelCloneArgs) == 88 && offsetof(KernelCloneArgs, set_tid_size) == 72);
static_assert(CLONE_ARGS_SIZE_VER0 == 64);

// include/uapi/asm-generic/signal.h stack_t (sigaltstack, uc_stack).
static_assert(sizeof(stack_t) == 24 && offsetof(stack_t, ss_size) == 16);

// arch/x86/include/uapi/asm/sigcontext.h, struct sigcontext (x86-64):
// glibc's <bits/sigcontext.h> is a copy.
static_assert(sizeof(struct sigcontext) == 256 && offsetof(struct sigcontext, rsp) == 120);

// The kernel's struct ucontext (include/uapi/asm-generic/ucontext.h, which
// arch/x86's includes): the head of the rt_sigframe that rt_sigreturn
// reads at rsp (arch/x86/kernel/signal_64.c). glibc's ucontext_t has the
// same head but a 128-byte sigset_t and its own FP area after it.
struct KernelUcontext {
  uint64_t uc_flags;
  uint64_t uc_link;
  stack_t uc_stack;
  struct sigcontext uc_mcontext;
  uint64_t uc_sigmask;  // the kernel's sigset_t: 64 signals
};
static_assert(sizeof(KernelUcontext) == 304 && offsetof(KernelUcontext, uc_mcontext) == 40);

// struct sigaction as rt_sigaction(2) takes it on x86-64, which is not
// glibc's (arch/x86/include/uapi/asm/signal.h: sa_handler, sa_flags,
// sa_restorer, then a 64-bit sa_mask).
struct KernelSigaction {
  uint64_t handler = 0, flags = 0, restorer = 0, mask = 0;
};
static_assert(sizeof(KernelSigaction) == 32);

// include/uapi/linux/uio.h struct iovec (writev).
static_assert(sizeof(iovec) == 16 && offsetof(iovec, iov_len) == 8);

// include/uapi/asm-generic/poll.h struct pollfd (poll, ppoll).
static_assert(sizeof(pollfd) == 8);

}  // namespace snappy
