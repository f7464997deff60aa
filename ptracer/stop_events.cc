#include "ptracer/stop_events.h"

#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <thread>

#include "ptracer/proc_files.h"

namespace snappy {

namespace {

volatile pid_t g_reap_pid = 0;

// Only system calls: it runs as a signal handler.
void reap_dead_threads(int) {
  int saved = errno;
  char path[32] = "/proc/";
  size_t n = 6;
  char digits[12];
  size_t d = 0;
  for (pid_t v = g_reap_pid; v > 0 && d < sizeof digits; v /= 10) digits[d++] = static_cast<char>('0' + v % 10);
  while (d) path[n++] = digits[--d];
  std::memcpy(path + n, "/task", 6);
  int fd = ::open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    alignas(8) char buf[4096];
    long got;
    while ((got = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
      for (long at = 0; at < got;) {
        auto* e = reinterpret_cast<struct dirent64*>(buf + at);
        at += e->d_reclen;
        pid_t tid = 0;
        for (const char* c = e->d_name; *c >= '0' && *c <= '9'; ++c) tid = tid * 10 + (*c - '0');
        if (tid <= 0) continue;
        // Peek (WNOWAIT): a stop must stay to be waited for by the caller.
        siginfo_t si{};
        if (waitid(P_PID, static_cast<id_t>(tid), &si, WEXITED | WNOHANG | WNOWAIT | __WALL) == 0 &&
            si.si_pid == tid && (si.si_code == CLD_EXITED || si.si_code == CLD_KILLED || si.si_code == CLD_DUMPED)) {
          waitpid(tid, nullptr, WNOHANG | __WALL);
        }
      }
    }
    ::close(fd);
  }
  errno = saved;
}

}  // namespace

DeadThreadReaper::DeadThreadReaper(pid_t pid) {
  static bool installed = false;
  if (!installed) {
    struct sigaction sa {};
    sa.sa_handler = reap_dead_threads;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, nullptr);
    installed = true;
  }
  g_reap_pid = pid;
  itimerval every{{0, 2000}, {0, 2000}};
  setitimer(ITIMER_REAL, &every, nullptr);
}

DeadThreadReaper::~DeadThreadReaper() {
  itimerval off{};
  setitimer(ITIMER_REAL, &off, nullptr);
}

void reap_or_detach(pid_t tid) {
  for (int i = 0; i < 1000; ++i) {
    siginfo_t si{};
    if (waitid(P_PID, static_cast<id_t>(tid), &si, WEXITED | WNOHANG | WNOWAIT | __WALL) != 0) return;  // not ours
    if (si.si_pid == tid) {
      if (si.si_code == CLD_EXITED || si.si_code == CLD_KILLED || si.si_code == CLD_DUMPED) {
        waitpid(tid, nullptr, WNOHANG | __WALL);
      } else {
        ptrace(PTRACE_DETACH, tid, nullptr, nullptr);
      }
      return;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
}

ExecImage exec_image(pid_t pid) {
  ExecImage image;
  std::string auxv;
  try {
    auxv = read_text(proc_path(pid, "auxv"));
    format::MmLayout mm = read_mm_layout(pid);
    image.layout = auxv + std::string(reinterpret_cast<const char*>(&mm), sizeof mm);
  } catch (const std::exception&) {
    return {};
  }
  for (size_t at = 0; at + 16 <= auxv.size(); at += 16) {
    uint64_t type, value;
    std::memcpy(&type, auxv.data() + at, 8);
    std::memcpy(&value, auxv.data() + at + 8, 8);
    if (type != AT_RANDOM) continue;
    int fd = ::open(proc_path(pid, "mem").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) break;
    char bytes[16];
    if (::pread(fd, bytes, sizeof bytes, static_cast<off_t>(value)) == sizeof bytes) image.random.assign(bytes, 16);
    ::close(fd);
    break;
  }
  return image;
}

bool same_image(const ExecImage& before, const ExecImage& now) {
  if (before.layout.empty() || now.layout != before.layout) return false;
  return before.random.empty() || now.random.empty() || now.random == before.random;
}

bool exec_since(pid_t pid, const ExecImage& image) {
  bool exited = false;
  seize_obstacle(pid, &exited);
  return !exited && ::kill(pid, 0) == 0 && !same_image(image, exec_image(pid));
}

std::string seize_obstacle(pid_t tid, bool* exited) {
  std::string status = read_text_or_empty(proc_path(tid, "status"));
  std::string state = status_field(status, "State");
  if (exited) *exited = status.empty();
  if (!state.empty() && (state[0] == 'Z' || state[0] == 'X')) {
    // A leader that called pthread_exit is a zombie while its threads run;
    // so is one for a moment while another thread execs (it then takes
    // the leader's pid).
    for (int i = 0; i < 50 && std::atoi(status_field(status, "Threads").c_str()) > 1; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      status = read_text_or_empty(proc_path(tid, "status"));
      state = status_field(status, "State");
      if (state.empty() || (state[0] != 'Z' && state[0] != 'X')) return seize_obstacle(tid, exited);
    }
    if (std::atoi(status_field(status, "Threads").c_str()) > 1) {
      return "its main thread has exited (the other threads run on); snap needs the main thread";
    }
    if (exited) *exited = true;
    return "a zombie (exited, not yet reaped by its parent)";
  }
  pid_t tracer = static_cast<pid_t>(std::atoi(status_field(status, "TracerPid").c_str()));
  if (tracer != 0 && tracer != getpid()) {
    std::string comm = read_text_or_empty(proc_path(tracer, "comm"));
    if (!comm.empty() && comm.back() == '\n') comm.pop_back();
    return "already traced by process " + std::to_string(tracer) + (comm.empty() ? "" : " (" + comm + ")");
  }
  return "";
}

void note_injection_signal(pid_t tid, int sig, uint64_t gadget, std::vector<int>& signals) {
  if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE) {
    // Raised by the CPU (si_code > 0), not sent: the borrowed instruction
    // faulted. Resumed, it would fault again, forever.
    siginfo_t si{};
    if (ptrace(PTRACE_GETSIGINFO, tid, nullptr, &si) == 0 && si.si_code > 0) {
      char line[160];
      std::snprintf(line, sizeof line, "the injected system call faulted (SIG%s at 0x%llx; gadget 0x%llx)",
                    sigabbrev_np(sig), static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(si.si_addr)),
                    static_cast<unsigned long long>(gadget));
      throw std::runtime_error(line);
    }
  }
  if (signals.size() + 1 >= kMaxInjectionSignals) {
    throw std::runtime_error(std::to_string(kMaxInjectionSignals) + " signals arrived during one injected system call");
  }
  signals.push_back(sig);
}

void detach_after_exec(pid_t pid) {
  pid_t self = getpid();
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  for (;;) {
    bool left = false;
    for (pid_t tid : list_tasks(pid)) {
      std::string status = read_text_or_empty(proc_path(tid, "status"));
      if (std::atoi(status_field(status, "TracerPid").c_str()) != self) continue;
      std::string state = status_field(status, "State");
      if (!state.empty() && state[0] == 'Z') {
        // A thread the exec killed: the exec waits until its tracer reaps it.
        if (waitpid(tid, nullptr, __WALL | WNOHANG) != tid) left = true;
        continue;
      }
      if (ptrace(PTRACE_DETACH, tid, nullptr, nullptr) == 0) continue;
      // Not in a ptrace-stop (still inside execve): have it stop, detach next round.
      left = true;
      ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr);
      waitpid(tid, nullptr, __WALL | WNOHANG);
    }
    if (!left || std::chrono::steady_clock::now() > until) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace snappy
