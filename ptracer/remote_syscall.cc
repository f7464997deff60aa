// System calls run inside a stopped thread of a live process (snap's
// injections: wait4 of the frozen copy, clone, rt_sigaction), with the
// thread's registers put back on every path.
#include "ptracer/remote_syscall.h"

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "ptracer/stop_events.h"
#include "ptracer/syscall_restart.h"
#include "ptracer/tracee.h"

namespace snappy {

RegistersPutBack::~RegistersPutBack() {
  // Best effort in a destructor: a thread that died has no registers.
  if (armed_) ptrace(PTRACE_SETREGS, tid_, nullptr, &saved_);
}

void RegistersPutBack::now() {
  armed_ = false;
  Tracee(tid_).set_registers(saved_);
}

// The registers the thread must run on with if nothing delivers a signal.
user_regs_struct resume_registers(const user_regs_struct& r) {
  return rewind_interrupted_syscall(r, RestartBlock::kRestartSyscall);
}

// Waits for the next stop of `tid`, which runs an injected system call at
// `gadget`; signal-delivery-stops are suppressed and their signals added to
// `signals` (given back at detach; note_injection_signal bounds them).
// Returns the status of the first other stop; throws std::runtime_error if
// it died, ExecDuringSnapshot at an exec.
namespace {

int wait_stop(pid_t tid, uint64_t gadget, std::vector<int>& signals) {
  for (;;) {
    int status = 0;
    pid_t r = waitpid(tid, &status, __WALL);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 || !WIFSTOPPED(status)) throw std::runtime_error("the thread exited during system call injection");
    int sig = WSTOPSIG(status);
    if ((status >> 16) == PTRACE_EVENT_EXEC) throw ExecDuringSnapshot();
    if ((status >> 16) == 0 && sig != (SIGTRAP | 0x80) && sig != SIGTRAP) {
      note_injection_signal(tid, sig, gadget, signals);
      if (ptrace(PTRACE_SYSCALL, tid, nullptr, nullptr) != 0) throw std::runtime_error("PTRACE_SYSCALL failed");
      continue;
    }
    return status;
  }
}

}  // namespace

// Makes stopped thread `tid` execute syscall `nr` at `gadget` with `args`
// and puts back `saved` (resume_registers of its stop) on every path, a
// throw included. `event_msg` receives the event message of a
// PTRACE_EVENT_CLONE/FORK stop. Returns the syscall's result. The thread
// stays stopped (syscall-exit-stop). `exitkill`: the thread is the frozen
// copy, which must die with us. `midway` runs once the borrowed registers
// are set (a test holds there).
long inject_syscall(pid_t tid, uint64_t gadget, const user_regs_struct& saved, long nr,
                    std::initializer_list<uint64_t> args, std::vector<int>& signals, unsigned long* event_msg,
                    bool exitkill, const std::function<void()>& midway) {
  Tracee t(tid);
  long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC;
  long after = PTRACE_O_TRACEEXEC;
  if (exitkill) opts = after = PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL;  // the frozen copy: never a fork of its own
  if (ptrace(PTRACE_SETOPTIONS, tid, nullptr, reinterpret_cast<void*>(opts)) != 0) {
    throw std::runtime_error(std::string("PTRACE_SETOPTIONS: ") + std::strerror(errno));
  }
  user_regs_struct r = saved;
  r.rip = gadget;
  r.rax = static_cast<unsigned long long>(nr);
  r.orig_rax = static_cast<unsigned long long>(-1);
  unsigned long long* slots[] = {&r.rdi, &r.rsi, &r.rdx, &r.r10, &r.r8, &r.r9};
  size_t i = 0;
  for (uint64_t a : args) *slots[i++] = a;
  // From here on the thread runs on borrowed registers: its own come back
  // whatever happens (a fault at the gadget: it resumes where it was, the
  // fault not delivered).
  RegistersPutBack put_back(tid, saved);
  t.set_registers(r);
  if (midway) midway();
  bool entered = false;
  for (int steps = 0; steps < 8; ++steps) {
    if (ptrace(PTRACE_SYSCALL, tid, nullptr, nullptr) != 0) throw std::runtime_error("PTRACE_SYSCALL failed");
    int status = wait_stop(tid, gadget, signals);
    int event = status >> 16;
    if (event == PTRACE_EVENT_CLONE || event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK) {
      if (event_msg) *event_msg = t.event_message();
      continue;
    }
    if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
      if (!entered) {
        entered = true;
        continue;
      }
      long result = static_cast<long>(t.registers().rax);
      put_back.now();
      ptrace(PTRACE_SETOPTIONS, tid, nullptr, reinterpret_cast<void*>(after));
      return result;
    }
    // Anything else (e.g. a PTRACE_EVENT_STOP of a group stop): keep going.
  }
  throw std::runtime_error("the injected system call did not complete");
}

// A `0f 05` (syscall) in the vDSO, libc or any executable mapping; 0 if none.
uint64_t find_syscall_instruction(pid_t tid, const std::vector<ProcMapsEntry>& maps) {
  std::vector<const ProcMapsEntry*> cands;
  for (const ProcMapsEntry& e : maps) {
    if (e.executable && e.readable && e.path != "[vsyscall]") cands.push_back(&e);
  }
  auto rank = [](const ProcMapsEntry* e) {
    return e->path == "[vdso]" ? 0 : e->path.find("/libc.so") != std::string::npos ? 1 : 2;
  };
  std::stable_sort(cands.begin(), cands.end(), [&](auto* a, auto* b) { return rank(a) < rank(b); });
  Tracee t(tid);
  for (const ProcMapsEntry* e : cands) {
    std::vector<uint8_t> code;
    try {
      code = t.read_memory(RemotePtr(e->start), std::min<uint64_t>(e->end - e->start, 64 << 20));
    } catch (const std::exception&) {
      continue;
    }
    for (size_t i = 0; i + 1 < code.size(); ++i) {
      if (code[i] == 0x0f && code[i + 1] == 0x05) return e->start + i;
    }
  }
  return 0;
}

}  // namespace snappy
