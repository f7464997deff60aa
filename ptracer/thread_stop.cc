#include "ptracer/thread_stop.h"

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>

#include "ptracer/proc_files.h"
#include "ptracer/syscall_restart.h"

namespace snappy {

namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what + ": " + std::strerror(errno)); }

pid_t thread_group_of(pid_t tid) {
  std::string status = read_text(proc_path(tid, "status"));
  size_t at = status.find("\nTgid:");
  return at == std::string::npos ? -1 : static_cast<pid_t>(std::strtol(status.c_str() + at + 6, nullptr, 10));
}

// A leader that called pthread_exit (SYS_exit) while other threads run is a
// zombie until the last of them exits: it takes no signal, reports no stop,
// and its exit is not reported to waitpid either (the kernel delays a group
// leader's zombie) -- so waiting for its SIGSTOP would wait for ever. Its
// task's State is "Z" (or "X"); a task gone counts as exited too.
bool leader_exited(pid_t leader) {
  char state = task_state(leader, leader);
  return state == 'Z' || state == 'X' || state == '?';
}

[[noreturn]] void refuse_exited_leader() {
  // Restore makes its own main thread the program's leader; a snapshot
  // whose leader is a zombie has no thread to give that role, and its
  // address space is only reachable through the other threads.
  throw std::runtime_error("the main thread has exited (pthread_exit) before the snapshot point; cannot record");
}

}  // namespace

pid_t cloned_thread(pid_t parent, pid_t leader) {
  unsigned long child = 0;
  if (ptrace(PTRACE_GETEVENTMSG, parent, nullptr, &child) != 0) fail("PTRACE_GETEVENTMSG");
  pid_t tid = static_cast<pid_t>(child);
  if (thread_group_of(tid) != leader) {
    throw std::runtime_error("the program made a process (task " + std::to_string(tid) +
                             ") that the model took for a thread; no snapshot written");
  }
  return tid;
}

std::vector<StoppedThread> stop_other_threads(pid_t leader, pid_t trigger, std::set<pid_t>& threads,
                                              SyscallModel& model, const std::map<pid_t, user_regs_struct>& held) {
  if (leader != trigger && leader_exited(leader)) refuse_exited_leader();
  std::set<pid_t> waiting;
  std::map<pid_t, user_regs_struct> stopped = held;
  for (pid_t tid : threads) {
    if (tid == trigger || held.count(tid)) continue;
    // Any signal interrupts a blocking call and stops the thread at its
    // delivery; SIGSTOP is never delivered here (the threads are killed
    // after the capture), so the program cannot tell.
    if (syscall(SYS_tgkill, leader, tid, SIGSTOP) != 0) {
      if (errno != ESRCH) fail("tgkill");
    }
    waiting.insert(tid);
  }
  while (!waiting.empty()) {
    int status = 0;
    pid_t tid = waitpid(-1, &status, __WALL | WNOHANG);
    if (tid < 0) {
      if (errno == EINTR) continue;
      fail("waitpid");
    }
    if (tid == 0) {
      // Nothing to report yet. The leader may have been on its way out
      // when it was sent SIGSTOP (exiting, not yet a zombie): it never
      // stops then, so look whether it has become one meanwhile.
      if (waiting.count(leader) && leader_exited(leader)) refuse_exited_leader();
      timespec pause{0, 200 * 1000};
      nanosleep(&pause, nullptr);
      continue;
    }
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      if (tid == leader) throw std::runtime_error("the program exited while its threads were being stopped");
      threads.erase(tid);
      waiting.erase(tid);
      stopped.erase(tid);
      model.on_thread_exited(tid);
      continue;
    }
    Tracee t(tid);
    int sig = WSTOPSIG(status);
    int event = status >> 16;
    bool known = threads.count(tid);
    if (!known) {
      // A new thread's first stop, ahead of its parent's clone event: it
      // stands at the start of its life, clone having returned 0.
      threads.insert(tid);
      model.threads[tid];
      stopped[tid] = t.registers();
      continue;
    }
    if (event == PTRACE_EVENT_CLONE) {
      pid_t child = cloned_thread(tid, leader);
      model.on_thread_created(tid, child);
      if (threads.insert(child).second) waiting.insert(child);
      // The parent finishes its clone; the pending SIGSTOP stops it next.
      if (ptrace(PTRACE_CONT, tid, nullptr, nullptr) != 0) fail("PTRACE_CONT");
      continue;
    }
    if (!waiting.count(tid)) {
      // A thread created on the way reporting its first stop.
      stopped[tid] = t.registers();
      continue;
    }
    user_regs_struct r = t.registers();
    if (sig == SIGTRAP && event == PTRACE_EVENT_SECCOMP) {
      // At the entry of a call that has not run: restore makes it.
      r = reenter_syscall(r);
    } else if (sig == (SIGTRAP | 0x80)) {
      model.on_exit(t);  // a modelled call returned: its effect is in
      r = t.registers();
    } else if (sig == SIGSTOP) {
      r = rewind_interrupted_syscall(r, RestartBlock::kReissue);
    } else {
      // A signal for the program: let it be handled first; the SIGSTOP
      // is still pending.
      if (ptrace(PTRACE_CONT, tid, nullptr, reinterpret_cast<void*>(static_cast<long>(sig))) != 0) fail("PTRACE_CONT");
      continue;
    }
    stopped[tid] = r;
    waiting.erase(tid);
  }
  std::vector<StoppedThread> result;
  if (stopped.count(leader)) result.push_back({leader, stopped[leader]});
  for (auto& [tid, regs] : stopped) {
    if (tid != leader) result.push_back({tid, regs});
  }
  return result;
}

}  // namespace snappy
