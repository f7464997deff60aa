#include "ptracer/live_attachment.h"

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "ptracer/proc_files.h"
#include "ptracer/proc_maps.h"
#include "ptracer/remote_syscall.h"
#include "ptracer/tracee.h"

namespace snappy {

uint64_t now_ns() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

bool process_exists(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

void Attachment::detach_all() {
  for (auto& [tid, st] : threads_) {
    // Fails for a thread an exec (in a thread just detached) killed.
    if (ptrace(PTRACE_DETACH, tid, nullptr, reinterpret_cast<void*>(long(st.pending_signal))) != 0) reap_or_detach(tid);
  }
  threads_.clear();
}

void Attachment::stop_all() {
  DeadThreadReaper reaper(pid_);
  for (int round = 0; round < 1000; ++round) {
    std::vector<pid_t> fresh;
    for (pid_t tid : list_tasks(pid_)) {
      if (threads_.count(tid)) continue;
      // EPERM for a moment: a task in exit, as the leader is while another
      // thread execs (which then takes the pid; the image check sees it).
      auto seize = [](pid_t t) {
        return ptrace(PTRACE_SEIZE, t, nullptr, reinterpret_cast<void*>(long(PTRACE_O_TRACEEXEC))) == 0 ? 0 : errno;
      };
      int err = seize(tid);
      for (int tries = 0; err == EPERM && tries < 5; ++tries) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        err = seize(tid);
      }
      if (err != 0) {
        if (err == ESRCH) continue;  // the thread exited
        if (err == EPERM) {
          bool exited = false;
          std::string why = seize_obstacle(tid, &exited);
          if (tid != pid_ && exited) continue;  // a thread exiting (an exec kills them)
          if (!why.empty()) throw LiveError(pid_, why);
        }
        if (err == EPERM) {
          throw LiveError(pid_, std::string("ptrace denied (EPERM): not your process, a non-dumpable or "
                                            "setuid process, or kernel.yama.ptrace_scope forbids it"));
        }
        throw LiveError(pid_, std::string("PTRACE_SEIZE: ") + std::strerror(err));
      }
      threads_[tid] = {};
      if (!first_interrupt_ns_) first_interrupt_ns_ = now_ns();
      ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr);
      fresh.push_back(tid);
    }
    if (fresh.empty()) {
      if (threads_.empty()) {
        LiveError e(pid_, process_exists(pid_) ? "no threads could be attached" : "no such process");
        e.vanished = !process_exists(pid_);
        throw e;
      }
      return;
    }
    for (pid_t tid : fresh) {
      int status = 0;
      pid_t r;
      do r = waitpid(tid, &status, __WALL);
      while (r < 0 && errno == EINTR);
      // The leader's tid now names an exec'ing thread not seized yet (it
      // took over the pid), or a seized thread reports its exec.
      if (r < 0 && tid == pid_ && process_exists(pid_) && seize_obstacle(pid_).empty()) throw ExecDuringSnapshot();
      if (r > 0 && (status >> 16) == PTRACE_EVENT_EXEC) throw ExecDuringSnapshot();
      if (r < 0 || WIFEXITED(status) || WIFSIGNALED(status)) {
        threads_.erase(tid);
        if (tid == pid_ || !process_exists(pid_)) {
          LiveError e(pid_, "the process exited during the snapshot");
          e.vanished = true;
          throw e;
        }
        continue;
      }
      Stopped& st = threads_[tid];
      if ((status >> 16) == PTRACE_EVENT_STOP) {
        st.event_stop = true;
      } else if (WIFSTOPPED(status) && (status >> 16) == 0) {
        st.pending_signal = WSTOPSIG(status);  // signal-delivery-stop: give it back at detach
      }
    }
  }
  throw LiveError(pid_, "threads keep appearing faster than they can be stopped");
}

namespace {

// One attempt of end_frozen_copy's reaping, `child` already killed.
bool reap_frozen_copy(pid_t pid, pid_t child, pid_t inject_tid, uint64_t gadget, const ExecImage& image,
                      bool& exec_seen, std::string& why) {
  pid_t tid = process_exists(inject_tid) &&
                      status_field(read_text_or_empty(proc_path(inject_tid, "status")), "Tgid") == std::to_string(pid)
                  ? inject_tid
                  : pid;
  DeadThreadReaper reaper(pid);
  Attachment again(pid);
  if (ptrace(PTRACE_SEIZE, tid, nullptr, reinterpret_cast<void*>(long(PTRACE_O_TRACEEXEC))) != 0) {
    if (exec_since(pid, image)) exec_seen = true;
    return false;
  }
  again.threads()[tid] = {};
  ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr);
  int st = 0;
  while (waitpid(tid, &st, __WALL) < 0 && errno == EINTR) {
  }
  if (WIFSTOPPED(st) && (st >> 16) == PTRACE_EVENT_EXEC) {
    // Seized inside execve: on to the interrupt's stop in the new program
    // (registers borrowed at the exec stop would be resumed inside execve).
    exec_seen = true;
    ptrace(PTRACE_CONT, tid, nullptr, nullptr);
    ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr);
    while (waitpid(tid, &st, __WALL) < 0 && errno == EINTR) {
    }
    if (WIFSTOPPED(st) && (st >> 16) != PTRACE_EVENT_STOP) return false;  // detached with nothing given back
  }
  if (!WIFSTOPPED(st)) {
    again.threads().erase(tid);
    return false;
  }
  if ((st >> 16) != PTRACE_EVENT_STOP) again.threads()[tid].pending_signal = WSTOPSIG(st);
  int options = __WALL;
  if (exec_seen || !same_image(image, exec_image(pid))) {
    exec_seen = true;
    // The zombie got SIGCHLD as exit signal (the parent's exec changed its
    // self_exec_id): the new program may reap it itself, hence WNOHANG.
    options |= WNOHANG;
    std::string seccomp = status_field(read_text_or_empty(proc_path(pid, "status")), "Seccomp");
    gadget = seccomp == "0" ? find_syscall_instruction(tid, read_proc_maps(pid)) : 0;
    if (!gadget) return false;
  }
  try {
    user_regs_struct r = resume_registers(Tracee(tid).registers());
    std::vector<int> sigs;
    long rv = inject_syscall(tid, gadget, r, SYS_wait4, {uint64_t(child), 0, uint64_t(options), 0}, sigs, nullptr);
    if (!sigs.empty() && !again.threads()[tid].pending_signal) again.threads()[tid].pending_signal = sigs.front();
    return rv == child;
  } catch (const ExecDuringSnapshot&) {
    exec_seen = true;
  } catch (const std::exception& e) {
    why = std::string("injected wait4: ") + e.what();
  }
  return false;
}

}  // namespace

bool end_frozen_copy(pid_t pid, pid_t child, pid_t inject_tid, uint64_t gadget, const ExecImage& image,
                     bool& exec_seen, std::string& why) {
  ::kill(child, SIGKILL);
  while (waitpid(child, nullptr, __WALL) < 0 && errno == EINTR) {
  }
  for (int attempt = 0; attempt < 20; ++attempt) {
    if (reap_frozen_copy(pid, child, inject_tid, gadget, image, exec_seen, why)) return true;
    if (!exec_seen && exec_since(pid, image)) exec_seen = true;  // the seized thread died in an exec
    if (!exec_seen) return false;
    if (!process_exists(child)) return true;  // the new program reaped it
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}


}  // namespace snappy
