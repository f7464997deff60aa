#include "ptracer/recorder.h"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <optional>
#include <map>
#include <set>

#include "common/syscall_decode.h"
#include "ptracer/capture.h"
#include "ptracer/cpu_pinning.h"
#include "ptracer/marker_scan.h"
#include "ptracer/proc_files.h"
#include "ptracer/proc_maps.h"
#include "ptracer/record_stats.h"
#include "ptracer/rule_program.h"
#include "ptracer/syscall_model.h"
#include "ptracer/syscall_restart.h"
#include "ptracer/thread_quiesce.h"
#include "ptracer/thread_stop.h"
#include "ptracer/tracee.h"

extern char** environ;

namespace snappy {

namespace {

// The child: become traceable, stop so the parent can set options, install
// the filter, exec the loader. Only async-signal-safe calls after fork().
[[noreturn]] void run_child(const std::vector<char*>& argv, const sock_fprog& filter, pid_t parent) {
  // Until the parent has set PTRACE_O_EXITKILL, its death must end us too:
  // else a ptracer killed right after fork leaves this child stopped for
  // ever (its SIGSTOP delivered once untraced).
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != parent) _exit(126);
  // Inherited fds would be open in the recorded process but not in the
  // model; a program started by a shell has only 0-2 either way.
  syscall(SYS_close_range, 3, ~0u, 0);
  if (ptrace(PTRACE_TRACEME, 0, nullptr, nullptr) != 0) _exit(126);
  raise(SIGSTOP);
  // Resumed: EXITKILL is set. The death signal would outlive exec (only
  // set-id programs clear it) and is no part of the recorded process.
  prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(126);
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &filter) != 0) _exit(126);
  execve(argv[0], argv.data(), environ);
  const char msg[] = "ptracer: cannot execute the loader\n";
  (void)!write(2, msg, sizeof(msg) - 1);
  _exit(127);
}

// What the decoder reads of a stopped thread: its memory through
// /proc/PID/mem, its fds through /proc/PID/fd.
class TraceeSource : public DecodeSource {
 public:
  explicit TraceeSource(const Tracee& tracee) : tracee_(tracee) {}
  std::optional<std::string> string_at(uint64_t address, size_t max) const override {
    std::string out;
    try {
      tracee_.append_string(RemotePtr(address), max, out);
    } catch (const std::exception&) {
      if (out.empty()) return std::nullopt;  // else what came before the fault
    }
    return out;
  }
  std::optional<std::vector<uint8_t>> bytes_at(uint64_t address, size_t size) const override {
    try {
      return tracee_.read_memory(RemotePtr<>(address), size);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  std::string fd_target(int fd) const override {
    return read_link(proc_path(tracee_.tid(), "fd/" + std::to_string(fd)));
  }

 private:
  const Tracee& tracee_;
};

std::string describe_call(const Tracee& tracee, const SyscallArgs& call) {
  TraceeSource source(tracee);
  return decode_syscall(call.nr, call.args, &source);
}

// How much of the program's memory is searched for the marker's path when
// the snapshot is taken elsewhere (a JVM reserves GiBs it never touches).
constexpr uint64_t kMarkerScanBudget = uint64_t{512} << 20;

std::string exit_description(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("was killed by signal ") + strsignal(WTERMSIG(status));
  return "stopped unexpectedly";
}

// The program changed the status flags of the caller's fd 0-2 (shared
// with ptracer: the tracee inherited them) and was killed at its snapshot
// point, before the rest of its run: the caller gets back the bits as they
// were, so that recording leaves no O_NONBLOCK stdout behind (Node resets
// it at exit; killed, it cannot). Each restored instance makes the change
// again, as a cold run would.
void put_back_caller_status(const SyscallModel& model) {
  for (const auto& [fd, status] : model.caller_status) {
    int now = fcntl(fd, F_GETFL);
    if (now < 0) continue;
    int wanted = (now & ~static_cast<int>(status.mask)) | static_cast<int>(status.before & status.mask);
    if (wanted != now) fcntl(fd, F_SETFL, wanted);
  }
}

class Session {
 public:
  explicit Session(const RecordOptions& options) : options_(options) {}
  void run();

 private:
  // One waitpid report; returns true once the snapshot has been taken.
  bool on_event(pid_t tid, int status);
  // Returns true once the snapshot has been taken (or, while the other
  // threads settle, once this thread is held at its snapshot point).
  bool on_seccomp_stop(const Tracee& tracee);
  // With `trigger` held at the snapshot point: the other threads' stops
  // served until they all sleep, up to --quiesce (ptracer/thread_quiesce.h).
  // One that reaches a snapshot point of its own meanwhile is held there too.
  void let_other_threads_settle(pid_t trigger);
  // The --at point's path condition holds for `call` (or there is none).
  bool at_path_matches(const Tracee& tracee, const SyscallArgs& call) const;
  // `named` names the call in the summary line; empty: decoded from `call`.
  void take_snapshot(const Tracee& tracee, const SyscallArgs& call, format::TriggerKind kind,
                     const std::string& why, const std::string& named = {});
  void resume(pid_t tid, int request, int signal = 0) {
    if (ptrace(static_cast<__ptrace_request>(request), tid, nullptr, signal) != 0) {
      throw RecordError(std::string("ptrace resume: ") + strerror(errno), 1);
    }
  }
  void on_thread_exit(pid_t tid, int status);
  // SIGKILL to the whole thread group (again if capture's program_read
  // sent it: a dying process ignores it), then reap every thread.
  void kill_program() {
    kill(pid_, SIGKILL);
    while (waitpid(-1, nullptr, __WALL) > 0 || errno == EINTR) {
    }
  }

  const RecordOptions& options_;
  pid_t pid_ = -1;
  // Every live thread of the program (ptracer follows clone).
  std::set<pid_t> threads_;
  // Threads past the first stop of their auto-attach.
  std::set<pid_t> started_;
  // One Tracee per live thread, made at its first stop, so that each keeps
  // its /proc/TID/mem fd from stop to stop.
  std::map<pid_t, Tracee> tracees_;
  Tracee& tracee_of(pid_t tid) { return tracees_.try_emplace(tid, tid).first->second; }
  bool exec_done_ = false;
  SyscallModel model_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  // --stats: the syscall each thread awaits the exit of, to count exit stops.
  RecordStats stats_;
  std::map<pid_t, long> awaiting_exit_;
  PhaseClock trace_clock_, capture_clock_;
  CpuPinning pinning_;
  // While the other threads settle: threads held at a snapshot point of
  // their own, with the registers that make them enter it again after
  // restore.
  bool settling_ = false;
  std::map<pid_t, user_regs_struct> held_;
};

void Session::run() {
  std::vector<sock_filter> filter = build_seccomp_filter(options_.at, precompiled_rule_program());
  sock_fprog prog{static_cast<unsigned short>(filter.size()), filter.data()};

  std::vector<std::string> loader_argv{options_.loader};
  if (options_.no_vdso) loader_argv.push_back("--no-vdso");
  if (options_.argv.at(0) != options_.program) {
    loader_argv.insert(loader_argv.end(), {"--argv0", options_.argv[0]});
  }
  if (!options_.script.empty()) loader_argv.insert(loader_argv.end(), {"--execfn", options_.script});
  loader_argv.insert(loader_argv.end(), {"--", options_.program});
  loader_argv.insert(loader_argv.end(), options_.argv.begin() + 1, options_.argv.end());
  std::vector<char*> argv;
  for (auto& a : loader_argv) argv.push_back(a.data());
  argv.push_back(nullptr);

  if (options_.pin_cpu) pinning_ = CpuPinning::pin_here();  // the program inherits it at fork
  pid_t self = getpid();
  pid_ = fork();
  if (pid_ < 0) throw RecordError(std::string("fork: ") + strerror(errno), 1);
  if (pid_ == 0) run_child(argv, prog, self);

  int status;
  if (waitpid(pid_, &status, 0) != pid_ || !WIFSTOPPED(status)) throw RecordError("the child did not stop for tracing", 1);
  // EXITKILL: if ptracer dies, the program dies with it and cannot run on
  // untraced.
  // Threads are followed (TRACECLONE). Fork and vfork are triggers at
  // their entry; tracing them too means a process made behind the filter's
  // back is traced, and dies with ptracer (EXITKILL).
  long opts = PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC | PTRACE_O_TRACESYSGOOD |
              PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK;
  if (ptrace(PTRACE_SETOPTIONS, pid_, nullptr, opts) != 0) throw RecordError(std::string("PTRACE_SETOPTIONS: ") + strerror(errno), 1);
  threads_.insert(pid_);
  model_.threads[pid_];
  if (pinning_.pinned()) {
    model_.pinned_thread = pid_;
    model_.caller_affinity = pinning_.original_mask();
  }
  if (char* program = realpath(options_.program.c_str(), nullptr)) {
    model_.program_path = program;
    free(program);
  }
  resume(pid_, PTRACE_CONT);

  for (;;) {
    pid_t tid = waitpid(-1, &status, __WALL);
    if (tid < 0) {
      if (errno == EINTR) continue;
      throw RecordError(std::string("waitpid: ") + strerror(errno), 1);
    }
    if (on_event(tid, status)) return;
  }
}

bool Session::on_event(pid_t tid, int status) {
  if (WIFEXITED(status) || WIFSIGNALED(status)) {
    on_thread_exit(tid, status);
    return false;
  }
  Tracee& tracee = tracee_of(tid);
  // An open whose exit stop was skipped has returned by now.
  model_.settle_deferred_open();
  int sig = WSTOPSIG(status);
  int event = status >> 16;
  if (!threads_.count(tid)) {
    // A new thread's first stop (its SIGSTOP from the auto-attach), ahead
    // of its parent's clone event.
    threads_.insert(tid);
    started_.insert(tid);
    model_.threads[tid];
    pinning_.release(tid);
    ++stats_.other_stops;
    resume(tid, PTRACE_CONT);
  } else if (event == PTRACE_EVENT_CLONE) {
    ++stats_.other_stops;
    try {
      pid_t child = cloned_thread(tid, pid_);
      model_.on_thread_created(tid, child);
      if (threads_.insert(child).second) pinning_.release(child);
    } catch (const std::exception& e) {
      throw RecordError(e.what(), 1);
    }
    resume(tid, PTRACE_CONT);
  } else if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK) {
    throw RecordError("the program made a process past the filter's check; no snapshot written", 1);
  } else if (sig == SIGTRAP && event == PTRACE_EVENT_SECCOMP) {
    return on_seccomp_stop(tracee);
  } else if (sig == SIGTRAP && event == PTRACE_EVENT_EXEC) {
    exec_done_ = true;
    ++stats_.other_stops;
    // A new mm: the old /proc/TID/mem fd reads nothing now.
    tracees_.erase(tid);
    if (options_.stats) trace_clock_.lap("fork and exec");
    // Start the model from the loader's address space: from here on every
    // change goes through a modelled syscall.
    std::vector<ProcMapsEntry> maps = read_proc_maps(pid_);
    for (const ProcMapsEntry& e : maps) {
      if (e.path == "[stack]") model_.kernel_stack_end = e.end;
    }
    model_.mappings.seed(maps);
    resume(tid, PTRACE_CONT);
  } else if (sig == (SIGTRAP | 0x80)) {
    if (options_.stats) stats_.exit_stop(awaiting_exit_[tid]);
    model_.on_exit(tracee);
    resume(tid, PTRACE_CONT);
  } else if (sig == SIGSTOP && tid != pid_ && !started_.count(tid)) {
    // The first stop of a thread whose clone event came first.
    started_.insert(tid);
    ++stats_.other_stops;
    resume(tid, PTRACE_CONT);
  } else {
    // A signal for the program: deliver it.
    ++stats_.other_stops;
    if (options_.verbose) {
      siginfo_t info{};
      ptrace(PTRACE_GETSIGINFO, tid, nullptr, &info);
      std::fprintf(stderr, "ptracer: signal %s at rip 0x%llx (address %p)\n", strsignal(sig),
                   static_cast<unsigned long long>(tracee.registers().rip), info.si_addr);
    }
    resume(tid, PTRACE_CONT, sig == SIGSTOP ? 0 : sig);
  }
  return false;
}

void Session::let_other_threads_settle(pid_t trigger) {
  if (threads_.size() < 2 || options_.quiesce.count() <= 0) return;
  auto start = std::chrono::steady_clock::now();
  std::set<pid_t> skip{trigger};
  settling_ = true;
  struct Reset {
    bool& flag;
    ~Reset() { flag = false; }
  } reset{settling_};
  bool asleep = false;
  for (;;) {
    for (const auto& held : held_) skip.insert(held.first);
    if ((asleep = threads_asleep(pid_, threads_, skip))) break;
    if (std::chrono::steady_clock::now() - start >= options_.quiesce) break;
    int status;
    pid_t tid = waitpid(-1, &status, __WALL | WNOHANG);
    if (tid < 0 && errno != EINTR) throw RecordError(std::string("waitpid: ") + strerror(errno), 1);
    if (tid > 0) {
      on_event(tid, status);
      // Only the process's death ends a thread held in its stop (a fatal
      // signal, reported thread by thread): no snapshot then, and the
      // trigger's Tracee is gone with it.
      if (!threads_.count(trigger)) {
        throw RecordError("the program died while its other threads settled; no snapshot written", 1);
      }
      continue;
    }
    timespec pause{0, 500 * 1000};
    nanosleep(&pause, nullptr);
  }
  if (options_.verbose) {
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "ptracer: the other threads %s after %.1f ms%s\n", asleep ? "slept" : "still ran",
                 ms, held_.empty() ? "" : (", " + std::to_string(held_.size()) + " held at a snapshot point").c_str());
  }
}

void Session::on_thread_exit(pid_t tid, int status) {
  if (tid != pid_) {
    // A thread ended (exit(2)); the process goes on.
    threads_.erase(tid);
    started_.erase(tid);
    tracees_.erase(tid);
    model_.on_thread_exited(tid);
    return;
  }
  // exit_group is a snapshot point, so only a death by signal (or the
  // last thread's exit(2), or elf_loader's failure) ends up here.
  int code = WIFEXITED(status) && WEXITSTATUS(status) != 0 ? WEXITSTATUS(status) : 1;
  if (!exec_done_) throw RecordError("cannot start " + options_.loader, 127);
  throw RecordError(options_.argv[0] + " " + exit_description(status) +
                        " before reaching a snapshot point; no snapshot written",
                    code == 0 ? 1 : code);
}

bool Session::on_seccomp_stop(const Tracee& tracee) {
  auto [call, data, x86_64] = tracee.seccomp_stop();
  if (options_.stats) stats_.entry_stop(call.nr);
  if (!exec_done_) {  // the execve of the loader itself
    resume(tracee.tid(), PTRACE_CONT);
    return false;
  }
  if (!x86_64) {
    // int $0x80: the filter's other-arch action. Never modelled, and its
    // number is i386's (20 is getpid there, writev in the table), so it
    // is named as one; the instance makes the call for real.
    take_snapshot(tracee, call, format::kTriggerI386, "a 32-bit system call, outside the model",
                  "int $0x80 " + i386_syscall_name(call.nr));
    return true;
  }
  const auto& rules = syscall_rules();
  size_t index = data - kTraceRuleBase;
  if (data == kTraceAt) {
    if (at_path_matches(tracee, call)) {
      take_snapshot(tracee, call, format::kTriggerAt, "the --at point");
      return true;
    }
    // Another path: the call is what the table makes of it.
    const SyscallRule* rule = find_rule(call.nr, call.args);
    if (rule && rule->action == SyscallAction::kAllow) {
      resume(tracee.tid(), PTRACE_CONT);
      return false;
    }
    index = rule ? static_cast<size_t>(rule - rules.data()) : rules.size();
    data = rule ? kTraceRuleBase + index : kTraceTrigger;
  }
  if (data == kTraceTrigger && call.nr == SYS_exit_group) {
    // elf_loader's own exit (it cannot load the program: one line on
    // stderr, status 127) is no program to snapshot; only the loader
    // runs in the reserved window.
    uint64_t rip = tracee.registers().rip;
    if (rip >= format::kWindowStart && rip < format::kWindowEnd) {
      resume(tracee.tid(), PTRACE_CONT);
      return false;
    }
    take_snapshot(tracee, call, format::kTriggerSyscall, "the program's end");
    return true;
  }
  if (data == kTraceTrigger || index >= rules.size()) {
    take_snapshot(tracee, call, format::kTriggerSyscall, "outside the model");
    return true;
  }
  const SyscallRule& rule = rules[index];
  Decision d = model_.on_entry(*rule.handler, tracee, call);
  if (options_.verbose) std::fprintf(stderr, "ptracer: %s\n", describe_call(tracee, call).c_str());
  switch (d) {
    case Decision::kContinue:
      // PTRACE_SYSCALL from a seccomp stop stops next at the syscall's exit.
      if (options_.stats && rule.needs_exit) awaiting_exit_[tracee.tid()] = call.nr;
      resume(tracee.tid(), rule.needs_exit ? PTRACE_SYSCALL : PTRACE_CONT);
      return false;
    case Decision::kApplied:  // applied at entry, its result predicted: no exit stop
      resume(tracee.tid(), PTRACE_CONT);
      return false;
    case Decision::kFail: {
      // At a seccomp stop a syscall number of -1 skips the call, and the
      // tracee gets rax as the tracer left it (seccomp(2), "SECCOMP_RET_TRACE").
      user_regs_struct regs = tracee.registers();
      regs.orig_rax = static_cast<uint64_t>(-1);
      regs.rax = static_cast<uint64_t>(-static_cast<int64_t>(model_.fail_errno()));
      tracee.set_registers(regs);
      if (options_.verbose) {
        std::fprintf(stderr, "ptracer:   made to fail with %s (%s)\n", strerrorname_np(model_.fail_errno()),
                     model_.fail_reason().c_str());
      }
      resume(tracee.tid(), PTRACE_CONT);
      return false;
    }
    case Decision::kTrigger:
      take_snapshot(tracee, call, format::kTriggerSyscall, model_.trigger_reason());
      return true;
    case Decision::kMarker:
      take_snapshot(tracee, call, format::kTriggerMarker, "the checkpoint marker");
      return true;
  }
  return false;
}

bool Session::at_path_matches(const Tracee& tracee, const SyscallArgs& call) const {
  if (!options_.at || !options_.at->path_prefix) return true;
  std::optional<int> arg = path_argument(call.nr);
  if (!arg) return false;
  TraceeSource source(tracee);
  const std::string& prefix = *options_.at->path_prefix;
  std::optional<std::string> path = source.string_at(call.args[*arg], prefix.size());
  return path && *path == prefix;
}

void Session::take_snapshot(const Tracee& tracee, const SyscallArgs& call, format::TriggerKind kind,
                            const std::string& why, const std::string& named) {
  if (settling_) {
    // Another thread's snapshot point, reached while the first one's
    // waits: it stays at the call's entry, and restore makes the call.
    held_[tracee.tid()] = reenter_syscall(tracee.registers());
    return;
  }
  // Decoded now: the program's memory is gone once it is killed, and the
  // other threads may write it while they settle.
  std::string what = named.empty() ? describe_call(tracee, call) : named;
  if (options_.stats) trace_clock_.lap("traced run");
  let_other_threads_settle(tracee.tid());
  if (options_.stats) trace_clock_.lap("threads settle");
  // The program is stopped from here on: capture may use every CPU.
  pinning_.unpin();
  double into_run = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  CaptureRequest request;
  request.output = options_.output;
  request.program = options_.program;
  request.argv = options_.argv;
  for (char** e = environ; *e; ++e) request.envp.emplace_back(*e);
  request.kind = kind;
  request.no_vdso = options_.no_vdso;
  request.replay_output = options_.replay_output;
  request.may_change = options_.may_change;
  if (options_.stats) {
    capture_clock_.restart();
    request.phases = &capture_clock_;
  }
  CaptureResult result;
  auto capture_start = std::chrono::steady_clock::now();
  bool marker_known = false;
  // Once capture has read the program: the marker scan (the last read),
  // then SIGKILL, so that the program's exit (unmapping its memory) runs
  // while capture syncs and renames the files, and kill_program() only
  // reaps it (its wait was 2-4 ms of every numpy recording).
  request.program_read = [&] {
    // Only a hint for the summary line: a failed scan says nothing. The
    // words avoid "checkpoint marker", which tests and scripts take to
    // mean the snapshot is at the marker, and come last: the line still
    // starts "ptracer: snapshot NAME at SYSCALL (why)".
    if (kind != format::kTriggerMarker) {
      try {
        marker_known = memory_mentions(pid_, kCheckpointPath, kMarkerScanBudget);
      } catch (const std::exception&) {
      }
    }
    if (options_.stats) capture_clock_.lap("marker scan");
    kill(pid_, SIGKILL);
  };
  try {
    std::vector<StoppedThread> others = stop_other_threads(pid_, tracee.tid(), threads_, model_, held_);
    if (options_.stats) capture_clock_.lap("stop threads");
    result = capture_snapshot(pid_, tracee, others, model_, request);
  } catch (...) {
    kill_program();
    put_back_caller_status(model_);
    throw;
  }
  kill_program();
  put_back_caller_status(model_);
  if (options_.stats) {
    capture_clock_.lap("kill");
    std::fprintf(stderr, "%s\n", stats_.summary(trace_clock_, capture_clock_).c_str());
  }
  if (options_.verbose) {
    double traced = std::chrono::duration<double, std::milli>(capture_start - start_).count();
    double captured = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - capture_start).count();
    std::fprintf(stderr, "ptracer: %.1f ms running under the tracer, %.1f ms capturing and writing\n", traced, captured);
  }
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  std::fprintf(stderr,
               "ptracer: snapshot %s at %s (%s), %.1f ms into the run: %llu mappings, %llu bytes stored, %.1f ms%s\n",
               options_.output.c_str(), what.c_str(), why.c_str(), into_run,
               static_cast<unsigned long long>(result.mappings),
               static_cast<unsigned long long>(result.bytes_stored), ms,
               marker_known ? "; the marker was not reached" : "");
}

}  // namespace

void record(const RecordOptions& options) {
  Session session(options);
  session.run();
}

}  // namespace snappy
