// The x86-64 signal frame that rt_sigreturn(2) consumes
// (arch/x86/include/asm/sigframe.h, uapi/asm/sigcontext.h, uapi/asm/ucontext.h).
// restore builds one and calls rt_sigreturn: general registers, the XSAVE
// state, the signal mask and the alternate signal stack are all loaded by
// the kernel in that one step.
#pragma once

#include <stdint.h>

namespace snappy::restorer {

// struct sigcontext (64-bit).
struct SigContext {
  uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
  uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
  uint16_t cs, gs, fs, ss;
  uint64_t err, trapno, oldmask, cr2;
  uint64_t fpstate;  // address of the XSAVE area, 64-byte aligned
  uint64_t reserved1[8];
};
static_assert(sizeof(SigContext) == 256, "struct sigcontext");

struct StackT {
  uint64_t ss_sp;
  int32_t ss_flags;
  int32_t pad;
  uint64_t ss_size;
};

// uc_flags: the frame carries XSAVE state; restore ss from the frame.
constexpr uint64_t kUcFpXstate = 0x1, kUcSigcontextSs = 0x2, kUcStrictRestoreSs = 0x4;

struct UContext {
  uint64_t uc_flags;
  uint64_t uc_link;
  StackT uc_stack;
  SigContext uc_mcontext;
  uint64_t uc_sigmask;
};

struct RtSigframe {
  uint64_t pretcode;  // rt_sigreturn finds the frame at rsp - 8
  UContext uc;
  uint8_t info[128];  // siginfo_t, unused by rt_sigreturn
};
static_assert(sizeof(RtSigframe) == 8 + 8 + 8 + 24 + 256 + 8 + 128, "rt_sigframe");

// struct _fpx_sw_bytes lives in the FXSAVE area's software-reserved bytes
// (offset 464); with magic1 set the kernel reads the extended state, and it
// wants magic2 right after xstate_size bytes (uapi/asm/sigcontext.h).
constexpr uint32_t kFpXstateMagic1 = 0x46505853, kFpXstateMagic2 = 0x46505845;
constexpr uint32_t kFpxSwBytesOffset = 464;
struct FpxSwBytes {
  uint32_t magic1;
  uint32_t extended_size;
  uint64_t xfeatures;
  uint32_t xstate_size;
  uint32_t padding[7];
};
static_assert(sizeof(FpxSwBytes) == 48, "_fpx_sw_bytes");

}  // namespace snappy::restorer

namespace snappy::format {
struct ThreadRecord;
}

namespace snappy::restorer {

// Bytes a frame takes from its 64-byte-aligned start, with its XSAVE area
// (and the magic2 word after it).
uint64_t frame_size(uint64_t xsave_size);

// Writes at `at` (64-byte aligned) the frame that resumes thread `t` with
// all its registers, XSAVE state (`xsave`, from the snapshot), signal mask
// and alternate stack. `pretcode` fills the return-address slot.
RtSigframe* build_thread_frame(uint8_t* at, const format::ThreadRecord& t, const uint8_t* xsave,
                               uint64_t xcr0, uint64_t pretcode);

// Writes at `at` a frame that makes one system call from the program's
// `syscall_gadget`: it resumes there with `nr` and `args` in the syscall
// registers, every signal blocked, and rsp at `next_frame`, whose pretcode
// is the sigreturn gadget (common/exit_gadgets.h).
RtSigframe* build_gadget_frame(uint8_t* at, const format::ThreadRecord& t, uint64_t syscall_gadget,
                               uint64_t next_frame, long nr, const uint64_t (&args)[6]);

// The frame of restore's last step: munmap(window start, window size) from
// the gadget.
RtSigframe* build_exit_frame(uint8_t* at, const format::ThreadRecord& t, uint64_t syscall_gadget,
                             uint64_t next_frame);

}  // namespace snappy::restorer
