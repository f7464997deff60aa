// The other threads of a multi-threaded snapshot. The main thread (restore's
// own, which becomes the program's leader) makes each with clone(2) once
// the address space, fds and process state are in place; each new thread
// re-registers its own kernel state and enters the program through
// rt_sigreturn, like the main thread. The main thread resumes last.
// A new thread first waits at a gate until the main thread has made the
// program's timers (timers.cc: thread-directed ones need the new tids, and
// no program code may run while timer ids are chosen).
//
// A thread leaves restore's window the way the main thread does (exit
// gadgets, common/exit_gadgets.h): its first rt_sigreturn lands on the
// program's syscall gadget, whose one system call, FUTEX_WAKE_OP, counts
// the thread out in g_threads_out and wakes the main thread; the gadget's
// `ret` then reaches the sigreturn gadget and the thread's real frame. Once
// every thread is counted out, none can still be executing in the window,
// and the main thread may unmap it.
#include "common/raw_syscall.h"
#include "restore/restorer.h"
#include "restore/sigframe.h"

extern "C" {
[[noreturn]] void sigreturn_to(void* rsp);
long clone_thread(unsigned long flags, void* stack_top, uint32_t* parent_tid, uint32_t* child_tid, uint64_t tls,
                  void (*fn)(void*), void* arg);
long clone3_thread(const snappy::sys::CloneArgs* args, size_t size);
}

namespace snappy::restorer {

namespace {

// Each thread's stack while in restore (its frames are built there, up to
// kMaxXsaveSize of XSAVE state), in the window, so that they go when it is
// unmapped: kMaxThreads of them fill the window's last 128 MiB.
constexpr uint64_t kThreadStackSize = 128 << 10;
static_assert(kMaxThreads * kThreadStackSize <= kWindowStart + kWindowSize - kThreadStacks);

// What pthread_create passes, plus the thread's fs base (CLONE_SETTLS).
// CLONE_PARENT_SETTID writes the new tid where the thread's tid address
// says (glibc's struct pthread keeps its tid there), before the thread
// runs; CLONE_CHILD_CLEARTID clears it at exit for pthread_join.
constexpr unsigned long kCloneVm = 0x100, kCloneFs = 0x200, kCloneFiles = 0x400, kCloneSighand = 0x800,
                        kCloneThread = 0x10000, kCloneSysvsem = 0x40000, kCloneSettls = 0x80000,
                        kCloneParentSettid = 0x100000, kCloneChildCleartid = 0x200000;
constexpr unsigned long kThreadFlags =
    kCloneVm | kCloneFs | kCloneFiles | kCloneSighand | kCloneThread | kCloneSysvsem | kCloneSettls;

volatile uint32_t g_threads_out;
// 0 until the main thread has made the program's timers (timers.cc): no
// program code may run while timer ids are being chosen.
volatile uint32_t g_timers_made;
int32_t g_tids[kMaxThreads];  // each thread's new tid, by ThreadRecord index

const ThreadRecord& thread_record(uint32_t i) { return g.view.thread(g.process->first_thread + i); }

// The new thread, on its stack in the window, with every signal blocked
// (inherited from the main thread).
[[noreturn]] void thread_main(void* arg) {
  const ThreadRecord& t = *static_cast<const ThreadRecord*>(arg);
  while (g_timers_made == 0) {
    long r = sys::futex_wait(&g_timers_made, 0);
    if (r != 0 && r != -11 /* EAGAIN: it changed */ && r != -4 /* EINTR */) die_errno("waiting for the timers", r);
  }
  if (t.regs[kGsBase]) check(sys::arch_prctl(sys::kArchSetGs, t.regs[kGsBase]), "setting a thread's gs base");
  if (t.robust_list) check(sys::set_robust_list(t.robust_list, t.robust_list_len), "set_robust_list");
  if (t.rseq_addr) check(sys::rseq(t.rseq_addr, t.rseq_len, 0, t.rseq_sig), "registering a thread's rseq");
  restore_caller_capabilities();  // credentials are per thread
  const uint8_t* xsave = g.view.blob(t.xsave);
  uint64_t xcr0 = g.view.header().xcr0;
  // The frame, its XSAVE area and the gadget frame fit in the thread's
  // restore stack (checks.cc bounds the XSAVE size).
  alignas(64) uint8_t frames[sizeof(RtSigframe) + 64 + kMaxXsaveSize + 64];
  if (g.window_stays) sigreturn_to(&build_thread_frame(frames, t, xsave, xcr0, 0)->uc);
  uint64_t at = program_frame_address(t);
  build_thread_frame(reinterpret_cast<uint8_t*>(at), t, xsave, xcr0, g.process->sigreturn_gadget);
  uint64_t count_out[6] = {uint64_t(&g_threads_out), uint64_t(sys::kFutexWakeOpPrivate), 1, 1,
                           uint64_t(&g_threads_out), sys::kFutexOpAddOne};
  sigreturn_to(&build_gadget_frame(frames, t, g.process->syscall_gadget, at, sys::kFutex, count_out)->uc);
}

// restore --pid-ns: the thread gets its recorded tid (clone3 set_tid; the
// instance's pid namespace is new, so the tid is free, and the process has
// CAP_SYS_ADMIN there until restore_caller_capabilities).
long clone_thread_as_recorded(unsigned long flags, void* stack_top, const ThreadRecord& t) {
  auto* top = static_cast<uint64_t*>(stack_top);
  top[-2] = uint64_t(&thread_main);
  top[-1] = uint64_t(&t);
  int32_t tid = int32_t(t.tid);
  sys::CloneArgs args{};
  args.flags = flags;
  args.child_tid = args.parent_tid = t.tid_address;
  args.tls = t.regs[kFsBase];
  args.stack = uint64_t(stack_top) - kThreadStackSize;
  args.stack_size = kThreadStackSize - 16;
  args.set_tid = uint64_t(&tid);
  args.set_tid_size = 1;
  return clone3_thread(&args, sizeof args);
}

}  // namespace

void start_threads() {
  uint32_t others = g.process->thread_count - 1;
  // Leaving by the gadgets takes a frame below every thread's stack
  // pointer; if one has no room, no thread leaves that way and the window
  // stays mapped.
  for (uint32_t i = 0; i <= others && !g.window_stays; ++i) {
    if (!program_frame_address(thread_record(i))) g.window_stays = true;
  }
  g_tids[0] = int32_t(sys::gettid());
  // mlockall(MCL_FUTURE) after restore's own last mapping (these stacks,
  // unmapped with the window, are not the program's) and before any of
  // the program's code runs (its threads' first mmap is locked, as cold).
  if (others == 0) {
    apply_lock_future();
    make_timers(g_tids);
    return;
  }
  uint64_t stacks = uint64_t(check(sys::mmap(kThreadStacks, uint64_t(others) * kThreadStackSize, sys::kProtRead | sys::kProtWrite,
                                             sys::kMapPrivate | sys::kMapAnonymous | sys::kMapFixedNoreplace, -1, 0),
                                   "mapping thread stacks"));
  apply_lock_future();
  for (uint32_t i = 1; i <= others; ++i) {
    const ThreadRecord& t = thread_record(i);
    unsigned long flags = kThreadFlags | (t.tid_address ? kCloneParentSettid | kCloneChildCleartid : 0);
    auto* tid = reinterpret_cast<uint32_t*>(t.tid_address);
    void* top = reinterpret_cast<void*>(stacks + uint64_t(i) * kThreadStackSize);
    long made = g.pid_ns ? clone_thread_as_recorded(flags, top, t)
                         : clone_thread(flags, top, tid, tid, t.regs[kFsBase], thread_main, const_cast<ThreadRecord*>(&t));
    g_tids[i] = int32_t(check(made, g.pid_ns ? "starting a thread with its recorded tid" : "starting a thread"));
  }
  make_timers(g_tids);
  g_timers_made = 1;
  sys::syscall6(sys::kFutex, long(&g_timers_made), 1 | 128 /* FUTEX_WAKE_PRIVATE */, long(others), 0, 0, 0);
  if (g.window_stays) return;
  for (;;) {
    uint32_t out = g_threads_out;
    if (out == others) break;
    long r = sys::futex_wait(&g_threads_out, out);
    if (r != 0 && r != -11 /* EAGAIN: it changed */ && r != -4 /* EINTR */) die_errno("waiting for the threads", r);
  }
}

}  // namespace snappy::restorer
