#include "ptracer/live_capture.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string_view>
#include <thread>

#include "common/checksum.h"
#include "common/cpu_features.h"
#include "common/fd_record.h"
#include "ptracer/kernel_abi.h"
#include "ptracer/live_attachment.h"
#include "ptracer/memory_capture.h"
#include "ptracer/proc_fds.h"
#include "ptracer/proc_files.h"
#include "ptracer/proc_maps.h"
#include "ptracer/process_state.h"
#include "ptracer/remote_syscall.h"
#include "ptracer/stop_events.h"
#include "ptracer/syscall_restart.h"
#include "ptracer/tracee.h"
#include "ptracer/vm_flags.h"

namespace snappy {

using namespace format;

namespace {



BlobRef add_nul_list(Snapshot& s, const std::string& raw) {
  std::string joined = raw;
  if (!joined.empty() && joined.back() != '\0') joined.push_back('\0');
  return s.add_blob(joined.data(), joined.size());
}

// ------------------------------------------------------------- memory

struct MemoryPlan {
  pid_t source = 0;     // the frozen child, or the stopped process
  pid_t process = 0;    // the process itself
  std::vector<ProcMapsEntry> maps;  // the process's maps at the pause
  CapturePolicy policy{true};
  const LiveOptions* options = nullptr;
};

// snap's policy of the one Capturer (ptracer/memory_capture.h).
void capture_live_memory(const MemoryPlan& plan, ProcessRecord& p, Snapshot& s, FileTable& files, AtomicFile& pages,
                         LiveResult& result) {
  Capturer capturer(plan.source, plan.process, plan.policy, s, files, pages);
  p.first_mapping = static_cast<uint32_t>(s.mappings.size());
  for (const ProcMapsEntry& e : plan.maps) {
    // A safe point between mappings (with --no-fork the process is stopped
    // meanwhile); a test holds after the first.
    throw_if_stopped(*plan.options);
    if (s.mappings.size() == p.first_mapping + 1) hold_for_test(*plan.options, "copying");
    capturer.capture(e);
  }
  MemoryCaptureStats stats = capturer.finish();
  result.bytes_stored += stats.bytes_stored;
  for (const std::string& line : capturer.unreadable()) result.unreadable.push_back(line);
  p.mapping_count = static_cast<uint32_t>(s.mappings.size()) - p.first_mapping;
  result.mappings = p.mapping_count;
}

// ---------------------------------------------------------- process info

// An fd with a path in the file system, read while the process is stopped.
struct PathFd {
  ProcFd info;
  std::string path;
};

// fds naming a regular file, a directory or a stateless device
// (is_stateless_device). Pipes, sockets, eventfds, epoll and other
// anonymous inodes have no path, and FIFOs, socket nodes and other devices
// (a terminal) have no state the format holds: they are left out of the
// snapshot, as documented, and so are fds closed meanwhile and unlinked
// files.
std::vector<PathFd> read_path_fds(pid_t pid) {
  std::vector<PathFd> out;
  for (int fd : open_fds(pid)) {
    std::optional<ProcFd> info = read_fdinfo(pid, fd);
    std::string link = proc_path(pid, "fd/" + std::to_string(fd));
    std::string path = read_link(link);
    if (!info || path.empty() || path[0] != '/') continue;
    // stat() of the link is the open file itself, wherever its name went.
    struct stat st;
    if (::stat(link.c_str(), &st) != 0) continue;  // closed meanwhile
    if (names_unlinked_file(path, st.st_dev, st.st_ino)) continue;
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !(S_ISCHR(st.st_mode) && is_stateless_device(path))) continue;
    out.push_back({*info, path});
  }
  return out;
}

// Each becomes a kFdFile record, but one whose file cannot be interned
// (not found under its name from here, unreadable): that is said in
// `notes`.
void add_fds(const std::vector<PathFd>& fds, ProcessRecord& p, Snapshot& s, FileTable& files,
             std::vector<std::string>& notes) {
  p.first_fd = static_cast<uint32_t>(s.fds.size());
  for (const PathFd& f : fds) {
    FdRecord r{};
    r.fd = f.info.fd;
    r.fd_flags = (f.info.flags & O_CLOEXEC) ? FD_CLOEXEC : 0;
    r.open_flags = f.info.flags & ~O_CLOEXEC;
    r.kind = kFdFile;
    try {
      set_file_fd(r, files.intern_open(f.path), f.info.pos);
    } catch (const std::exception& e) {
      notes.push_back("fd " + std::to_string(f.info.fd) + " " + f.path + ": " + e.what() + "; left out");
      continue;
    }
    r.description = static_cast<uint32_t>(s.fds.size() - p.first_fd);
    s.fds.push_back(r);
  }
  p.fd_count = static_cast<uint32_t>(s.fds.size()) - p.first_fd;
}

}  // namespace

void throw_if_stopped(const LiveOptions& options) {
  if (options.stop && *options.stop) throw LiveStopped(*options.stop);
}

void hold_for_test(const LiveOptions& options, const char* stage) {
  if (options.hold != stage) return;
  std::fprintf(stderr, "snap: holding at %s (pid %d)\n", stage, static_cast<int>(getpid()));
  std::fflush(stderr);
  for (int i = 0; i < 6000 && !(options.stop && *options.stop) && !(options.release && *options.release); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

uint32_t parse_live_classes(const std::string& list) {
  uint32_t out = 0;
  std::istringstream in(list);
  std::string w;
  while (std::getline(in, w, ',')) {
    if (w == "anon-private") out |= kClassAnonPrivate;
    else if (w == "anon-shared") out |= kClassAnonShared;
    else if (w == "file-private") out |= kClassFilePrivate;
    else if (w == "file-shared") out |= kClassFileShared;
    else if (w == "shm") out |= kClassShm;
    else if (w == "huge") out |= kClassHuge;
    else if (w == "all") out |= kClassAll;
    else if (!w.empty()) throw std::invalid_argument("unknown content class '" + w + "'");
  }
  return out;
}

std::vector<pid_t> find_processes_by_name(const std::string& name) {
  std::vector<pid_t> out;
  DIR* dir = opendir("/proc");
  if (!dir) return out;
  pid_t self = getpid();
  uid_t uid = getuid();
  while (dirent* d = readdir(dir)) {
    if (!std::isdigit(static_cast<unsigned char>(d->d_name[0]))) continue;
    pid_t pid = std::atoi(d->d_name);
    if (pid == self) continue;
    struct stat st;
    if (::stat(proc_path(pid, "").c_str(), &st) != 0 || st.st_uid != uid) continue;
    std::string comm = read_text_or_empty(proc_path(pid, "comm"));
    if (!comm.empty() && comm.back() == '\n') comm.pop_back();
    std::string cmdline = read_text_or_empty(proc_path(pid, "cmdline"));
    std::string argv0 = cmdline.substr(0, cmdline.find('\0'));
    argv0 = argv0.substr(argv0.rfind('/') + 1);
    if (comm == name || (!argv0.empty() && argv0 == name)) out.push_back(pid);
  }
  closedir(dir);
  std::sort(out.begin(), out.end());
  return out;
}

LiveResult capture_live_process(pid_t pid, const LiveOptions& options, Snapshot& s, FileTable& files,
                                AtomicFile& pages) {
  LiveResult result;
  if (!process_exists(pid)) {
    LiveError e(pid, "no such process");
    e.vanished = true;
    throw e;
  }
  std::string status_text = read_text_or_empty(proc_path(pid, "status"));
  if (status_field(status_text, "Tgid") != std::to_string(pid)) {
    throw LiveError(pid, "is a thread, not a process (its process is " + status_field(status_text, "Tgid") + ")");
  }
  bool exited = false;
  std::string obstacle = seize_obstacle(pid, &exited);
  if (!obstacle.empty()) {
    LiveError e(pid, obstacle);
    e.vanished = exited;  // a zombie found by name is no longer one
    throw e;
  }

  size_t first_thread = s.threads.size(), first_mapping = s.mappings.size(), first_run = s.runs.size();
  size_t first_fd = s.fds.size(), first_sig = s.sigactions.size();
  auto rollback = [&] {
    s.threads.resize(first_thread);
    s.mappings.resize(first_mapping);
    s.runs.resize(first_run);
    s.fds.resize(first_fd);
    s.sigactions.resize(first_sig);
  };

  ProcessRecord p{};
  p.pid = static_cast<uint32_t>(pid);
  p.flags = kProcessLive;
  pid_t child = 0;
  std::vector<int> extra_signals;  // signals suppressed while injecting, given back at detach
  MemoryPlan plan;
  plan.process = pid;
  plan.policy.classes = options.classes;
  plan.policy.ignore_filter = options.ignore_filter;
  plan.options = &options;
  std::vector<PathFd> fds;
  uint64_t sig_ignored = 0, sig_caught = 0;
  pid_t inject_tid = 0;
  uint64_t gadget = 0;
  // The program the capture is of; an exec meanwhile voids it
  // (ptracer/stop_events.h).
  ExecImage image = exec_image(pid);
  bool exec_seen = false;
  // On every way out the target runs on: the Attachment detaches it as it
  // goes out of scope, and then the frozen copy, if made, is killed and
  // reaped; after an exec the thread that exec'd is detached too.
  auto abandon = [&] {
    std::string ignored;  // the capture fails anyway, with its own reason
    if (child > 0) end_frozen_copy(pid, child, inject_tid, gadget, image, exec_seen, ignored);
    child = 0;
    rollback();
    if (exec_seen) detach_after_exec(pid);
  };
  auto exec_error = [&] { return LiveError(pid, "exec'd during the snapshot"); };
  // Called in a catch, never returns: the target given back (abandon), the
  // exception in flight rethrown as it is (a stop request, a full disk, a
  // LiveError) or as the one line it becomes: an exec, the process's exit
  // during the pause, or what went wrong.
  auto give_back = [&](bool may_have_exited) {
    try {
      throw;
    } catch (const ExecDuringSnapshot&) {
      exec_seen = true;
      abandon();
      throw exec_error();
    } catch (const LiveError&) {
      abandon();
      if (exec_seen) throw exec_error();
      throw;
    } catch (const LiveStopped&) {
      abandon();
      throw;
    } catch (const WriteError&) {
      abandon();
      throw;
    } catch (const std::exception& e) {
      abandon();
      if (may_have_exited && !process_exists(pid)) {
        LiveError exited(pid, "the process exited during the snapshot");
        exited.vanished = true;
        throw exited;
      }
      if (exec_seen || exec_since(pid, image)) {
        detach_after_exec(pid);
        throw exec_error();
      }
      throw LiveError(pid, e.what());
    } catch (...) {
      abandon();
      throw;
    }
  };
  throw_if_stopped(options);
  try {
    Attachment att(pid);
    att.stop_all();
    if (!same_image(image, exec_image(pid))) throw ExecDuringSnapshot();
    hold_for_test(options, "seized");
    throw_if_stopped(options);

    // ---- the pause: threads
    p.first_thread = static_cast<uint32_t>(s.threads.size());
    std::map<pid_t, user_regs_struct> saved;
    for (auto& [tid, st] : att.threads()) {
      Tracee t(tid);
      ThreadRecord rec{};
      rec.tid = static_cast<uint32_t>(tid);
      user_regs_struct r = t.registers();
      saved[tid] = r;
      std::memcpy(rec.regs, &r, sizeof(r));
      std::vector<uint8_t> xsave = t.xsave_area();
      rec.xsave = s.add_blob(xsave.data(), xsave.size());
      rec.sigmask = t.signal_mask();
      // Either may be missing (PTRACE_GET_RSEQ_CONFIGURATION is 5.13+):
      // recorded as 0, said.
      auto lacking = [&](const char* what, const std::exception& e) {
        result.notes.push_back("thread " + std::to_string(tid) + ": " + what + ": " + e.what() + "; recorded as 0");
      };
      try {
        RseqConfig rs = t.rseq();
        rec.rseq_addr = rs.address;
        rec.rseq_len = rs.size;
        rec.rseq_sig = rs.signature;
      } catch (const std::exception& e) {
        lacking("rseq", e);
      }
      try {
        auto [head, len] = t.robust_list();
        rec.robust_list = head;
        rec.robust_list_len = len;
      } catch (const std::exception& e) {
        lacking("robust list", e);
      }
      s.threads.push_back(rec);
    }
    // The process's leader first when it is alive (gdb's thread 1).
    p.thread_count = static_cast<uint32_t>(s.threads.size()) - p.first_thread;
    result.threads = p.thread_count;

    plan.maps = read_proc_maps(pid);
    fds = read_path_fds(pid);
    std::string status = read_text(proc_path(pid, "status"));
    sig_ignored = std::strtoull(status_field(status, "SigIgn").c_str(), nullptr, 16);
    sig_caught = std::strtoull(status_field(status, "SigCgt").c_str(), nullptr, 16);
    p.umask = static_cast<uint32_t>(std::strtoul(status_field(status, "Umask").c_str(), nullptr, 8));
    p.mm = read_mm_layout(pid);
    for (const ProcMapsEntry& e : plan.maps) {
      if (e.path == "[heap]") p.mm.brk = e.end;
    }
    std::string filter = read_text_or_empty(proc_path(pid, "coredump_filter"));
    if (!filter.empty()) plan.policy.coredump_filter = static_cast<uint32_t>(std::strtoul(filter.c_str(), nullptr, 16));

    // ---- the fork
    if (!options.fork) {
      result.fallback_reason = "--no-fork";
    } else if (status_field(status, "Seccomp") != "0" && !status_field(status, "Seccomp").empty()) {
      result.fallback_reason = "seccomp filter in the target";
    } else if (!(gadget = find_syscall_instruction(pid, plan.maps))) {
      result.fallback_reason = "no syscall instruction found";
    } else {
      // A thread stopped in user mode (not in a syscall) and not at a signal.
      for (int pass = 0; pass < 2 && !inject_tid; ++pass) {
        for (auto& [tid, st] : att.threads()) {
          if (!st.event_stop || st.pending_signal) continue;
          bool in_syscall = static_cast<long>(saved[tid].orig_rax) >= 0;
          bool want_syscall = options.inject_into_blocked ? pass == 0 : pass == 1;
          if (in_syscall == want_syscall) {
            inject_tid = tid;
            break;
          }
        }
      }
      if (!inject_tid) {
        result.fallback_reason = "every thread is stopped at a signal";
      } else {
        user_regs_struct resume = resume_registers(saved[inject_tid]);
        unsigned long msg = 0;
        long rv = -1;
        try {
          rv = inject_syscall(inject_tid, gadget, resume, SYS_clone, {0, 0, 0, 0, 0}, extra_signals, &msg, false,
                              [&] { hold_for_test(options, "injecting"); });
        } catch (const ExecDuringSnapshot&) {
          throw;
        } catch (const std::exception& e) {
          result.fallback_reason = std::string("fork injection failed: ") + e.what();
        }
        if (rv > 0) {
          child = static_cast<pid_t>(rv);
          int cs = 0;
          while (waitpid(child, &cs, __WALL) < 0 && errno == EINTR) {
          }
          // The copy dies with us: run free, it would be a second instance
          // of the program, from the injection gadget on.
          ptrace(PTRACE_SETOPTIONS, child, nullptr, reinterpret_cast<void*>(long(PTRACE_O_EXITKILL)));
          result.forked = true;
          plan.source = child;
        } else if (result.fallback_reason.empty()) {
          result.fallback_reason = "clone failed in the target: " + std::string(std::strerror(static_cast<int>(-rv)));
        }
        if (!extra_signals.empty()) att.threads()[inject_tid].pending_signal = extra_signals.front();
      }
    }

    if (result.forked) {
      hold_for_test(options, "forked");
      throw_if_stopped(options);
      att.detach_all();
      result.pause_ns = now_ns() - att.first_interrupt_ns();
    } else {
      // Stop-copy-detach: memory now, while stopped.
      plan.source = pid;
      capture_live_memory(plan, p, s, files, pages, result);
      att.detach_all();
      result.pause_ns = now_ns() - att.first_interrupt_ns();
    }
  } catch (...) {
    give_back(/*may_have_exited=*/true);
  }

  // ---- the target runs again; the rest at leisure
  try {
    if (result.forked) {
      capture_live_memory(plan, p, s, files, pages, result);
    }
    throw_if_stopped(options);
    p.first_sigaction = static_cast<uint32_t>(s.sigactions.size());
    for (int sig = 1; sig <= 64; ++sig) {
      if (sig == SIGKILL || sig == SIGSTOP) continue;
      uint64_t bit = 1ull << (sig - 1);
      if (sig_ignored & bit) {
        s.sigactions.push_back({static_cast<uint32_t>(sig), 0, 1 /* SIG_IGN */, 0, 0, 0});
      } else if ((sig_caught & bit) && child > 0) {
        // The child inherited the handlers: ask it (rt_sigaction into a
        // buffer below its red zone, after its memory was copied).
        user_regs_struct cr = Tracee(child).registers();
        uint64_t buf = ((cr.rsp - 512) & ~15ull) - 64;
        std::vector<int> ignored;
        try {
          long rv = inject_syscall(child, gadget, cr, SYS_rt_sigaction, {uint64_t(sig), 0, buf, 8}, ignored, nullptr,
                                   true);
          if (rv == 0) {
            KernelSigaction act = Tracee(child).read(RemotePtr<KernelSigaction>(buf));
            s.sigactions.push_back({static_cast<uint32_t>(sig), 0, act.handler, act.flags, act.restorer, act.mask});
          } else {
            result.notes.push_back("signal " + std::to_string(sig) + ": handler not read: rt_sigaction: " +
                                   std::strerror(static_cast<int>(-rv)) + "; left out");
          }
        } catch (const std::exception& e) {
          result.notes.push_back("signal " + std::to_string(sig) + ": handler not read: " + e.what() + "; left out");
        }
      }
    }
    p.sigaction_count = static_cast<uint32_t>(s.sigactions.size()) - p.first_sigaction;
    add_fds(fds, p, s, files, result.notes);

    std::string exe = read_link(proc_path(pid, "exe"));
    p.exe = s.add_string(exe.empty() ? "?" : exe);
    p.argv = add_nul_list(s, read_text_or_empty(proc_path(pid, "cmdline")));
    p.envp = add_nul_list(s, read_text_or_empty(proc_path(pid, "environ")));
    read_process_state(pid, Missing::kLack, p, s);
  } catch (...) {
    give_back(/*may_have_exited=*/false);
  }

  // Memory, exe, argv and the rest must all be of one program.
  if (child > 0) {
    std::string why;
    result.zombie_left = !end_frozen_copy(pid, child, inject_tid, gadget, image, exec_seen, why);
    if (result.zombie_left && !why.empty()) result.notes.push_back("frozen copy " + std::to_string(child) + ": " + why);
  } else {
    exec_seen = exec_since(pid, image);
  }
  if (exec_seen) {
    rollback();
    detach_after_exec(pid);
    throw exec_error();
  }

  s.processes.push_back(p);
  result.pages_size = 0;
  return result;
}

}  // namespace snappy
