#include "restore/sigframe.h"

#include "common/raw_syscall.h"
#include "common/snapshot_format.h"

namespace snappy::restorer {

using namespace format;

namespace {

constexpr uint64_t xsave_offset() { return (sizeof(RtSigframe) + 63) & ~uint64_t{63}; }

void set_segments_and_stack(UContext& uc, const ThreadRecord& t) {
  uc.uc_flags = kUcSigcontextSs | kUcStrictRestoreSs;
  uc.uc_link = 0;
  uc.uc_stack = {t.altstack_sp, int32_t(t.altstack_flags), 0, t.altstack_size};
  uc.uc_mcontext.cs = uint16_t(t.regs[kCs]);
  uc.uc_mcontext.ss = uint16_t(t.regs[kSs]);
}

}  // namespace

uint64_t frame_size(uint64_t xsave_size) { return xsave_offset() + xsave_size + 4; }

RtSigframe* build_thread_frame(uint8_t* at, const ThreadRecord& t, const uint8_t* saved, uint64_t xcr0,
                               uint64_t pretcode) {
  auto* frame = reinterpret_cast<RtSigframe*>(at);
  uint8_t* xsave = at + xsave_offset();
  for (uint64_t i = 0; i < t.xsave.size; ++i) xsave[i] = saved[i];
  auto* sw = reinterpret_cast<FpxSwBytes*>(xsave + kFpxSwBytesOffset);
  sw->magic1 = kFpXstateMagic1;
  sw->extended_size = uint32_t(t.xsave.size) + 4;
  sw->xfeatures = xcr0;
  sw->xstate_size = uint32_t(t.xsave.size);
  *reinterpret_cast<uint32_t*>(xsave + t.xsave.size) = kFpXstateMagic2;

  frame->pretcode = pretcode;
  UContext& uc = frame->uc;
  set_segments_and_stack(uc, t);
  uc.uc_flags |= kUcFpXstate;
  uc.uc_sigmask = t.sigmask;
  SigContext& sc = uc.uc_mcontext;
  const uint64_t* r = t.regs;
  sc.r8 = r[kR8], sc.r9 = r[kR9], sc.r10 = r[kR10], sc.r11 = r[kR11];
  sc.r12 = r[kR12], sc.r13 = r[kR13], sc.r14 = r[kR14], sc.r15 = r[kR15];
  sc.rdi = r[kRdi], sc.rsi = r[kRsi], sc.rbp = r[kRbp], sc.rbx = r[kRbx];
  sc.rdx = r[kRdx], sc.rax = r[kRax], sc.rcx = r[kRcx], sc.rsp = r[kRsp];
  sc.rip = r[kRip], sc.eflags = r[kEflags];
  sc.gs = 0, sc.fs = 0;  // ignored in 64-bit mode; fs base is set apart
  sc.err = sc.trapno = sc.oldmask = sc.cr2 = 0;
  sc.fpstate = reinterpret_cast<uint64_t>(xsave);
  return frame;
}

RtSigframe* build_gadget_frame(uint8_t* at, const ThreadRecord& t, uint64_t syscall_gadget, uint64_t next_frame,
                               long nr, const uint64_t (&args)[6]) {
  auto* frame = reinterpret_cast<RtSigframe*>(at);
  for (uint64_t i = 0; i < sizeof(RtSigframe); ++i) at[i] = 0;
  UContext& uc = frame->uc;
  set_segments_and_stack(uc, t);
  // No handler may run between this frame and the program's: the program's
  // own mask comes with its frame.
  uc.uc_sigmask = ~uint64_t{0};
  SigContext& sc = uc.uc_mcontext;
  sc.rax = uint64_t(nr);
  sc.rdi = args[0], sc.rsi = args[1], sc.rdx = args[2];
  sc.r10 = args[3], sc.r8 = args[4], sc.r9 = args[5];
  sc.rip = syscall_gadget;
  sc.rsp = next_frame;  // the gadget's `ret` pops the next frame's pretcode
  sc.eflags = t.regs[kEflags];
  sc.fpstate = 0;  // the program's frame loads the FPU state
  return frame;
}

RtSigframe* build_exit_frame(uint8_t* at, const ThreadRecord& t, uint64_t syscall_gadget, uint64_t next_frame) {
  return build_gadget_frame(at, t, syscall_gadget, next_frame, sys::kMunmap, {kWindowStart, kWindowSize, 0, 0, 0, 0});
}

}  // namespace snappy::restorer
