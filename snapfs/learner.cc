#include "snapfs/learner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace snappy {

using namespace format;

namespace {

[[noreturn]] void fail(const std::string& what) { throw SnapshotError(what); }

// /proc/PID/pagemap bits (Documentation/admin-guide/mm/pagemap.rst).
constexpr uint64_t kPresent = 1ull << 63;
constexpr uint64_t kSwapped = 1ull << 62;
constexpr uint64_t kFilePage = 1ull << 61;        // file page or shared anonymous
constexpr uint64_t kMappedExclusively = 1ull << 56;

struct Vma {
  uint64_t start, end;
  dev_t dev;
  uint64_t ino;
};

std::vector<Vma> read_maps(pid_t pid) {
  std::string path = "/proc/" + std::to_string(pid) + "/maps";
  FILE* f = std::fopen(path.c_str(), "re");
  if (!f) fail(path + ": " + std::strerror(errno));
  std::vector<Vma> vmas;
  char line[4096 + 256];
  while (std::fgets(line, sizeof(line), f)) {
    unsigned long start, end, offset, ino;
    unsigned major_, minor_;
    char perms[8];
    if (std::sscanf(line, "%lx-%lx %7s %lx %x:%x %lu", &start, &end, perms, &offset, &major_, &minor_, &ino) == 7) {
      vmas.push_back({start, end, makedev(major_, minor_), ino});
    }
    // A line longer than the buffer: its tail is read as a line of its own
    // and does not parse.
  }
  std::fclose(f);
  return vmas;
}

// Whether the VMA now at a recorded mapping's address is still that
// mapping as restore made it: NAME.pages (its base or its runs), the
// recorded backing file, or anonymous memory (a kBaseZero mapping, or one
// whose pages restore read in).
bool still_the_mapping(const Vma& vma, const MappingRecord& m, const InfoView& view, const struct stat& pages) {
  if (vma.ino == 0) return true;
  if (vma.dev == pages.st_dev && vma.ino == pages.st_ino) return true;
  if (m.base == kBaseFile) {
    const FileRecord& f = view.file(m.file_index);
    return vma.dev == f.dev && vma.ino == f.ino;
  }
  return false;
}

// What the pages of `m` in [lo, hi) show, into `uses` (one per page of m;
// a page keeps the strongest use seen).
void classify(int pagemap, const MappingRecord& m, uint64_t lo, uint64_t hi, std::vector<PageUse>& uses) {
  bool can_write = !(m.flags & kMappingShared) && (m.prot & PROT_WRITE);
  bool has_file = m.base == kBaseFile || m.base == kBasePages;
  std::vector<uint64_t> entries(4096);
  for (uint64_t at = lo; at < hi;) {
    uint64_t n = std::min<uint64_t>(entries.size(), (hi - at) / kPageSize);
    ssize_t got = ::pread(pagemap, entries.data(), n * 8, off_t(at / kPageSize * 8));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0 || got % 8) fail("reading the instance's pagemap: " + std::string(got < 0 ? std::strerror(errno) : "short read"));
    n = uint64_t(got) / 8;
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t e = entries[i];
      PageUse use = PageUse::kUntouched;
      bool private_copy = !(e & kFilePage) && (((e & kPresent) && (e & kMappedExclusively)) || (e & kSwapped));
      if (private_copy) {
        use = can_write ? PageUse::kWritten : has_file ? PageUse::kRead : PageUse::kUntouched;
      } else if ((e & kPresent) && (e & kFilePage) && has_file) {
        use = PageUse::kRead;
      }
      uint64_t page = (at - m.start) / kPageSize + i;
      if (use > uses[page]) uses[page] = use;
    }
    at += n * kPageSize;
  }
}

// The learned set of process 0, read at its exit stop.
LearnedSet read_working_set(pid_t pid, const SnapshotFile& s, bool* matched) {
  const InfoView& view = s.view();
  struct stat pages;
  if (::fstat(s.pages_fd(), &pages) != 0) fail(s.name() + ".pages: " + std::strerror(errno));
  std::vector<Vma> vmas = read_maps(pid);
  std::string path = "/proc/" + std::to_string(pid) + "/pagemap";
  int pagemap = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (pagemap < 0) fail(path + ": " + std::strerror(errno));
  LearnedSet set;
  const ProcessRecord& p = view.process(0);
  *matched = false;
  try {
    for (uint32_t i = p.first_mapping; i < p.first_mapping + p.mapping_count; ++i) {
      const MappingRecord& m = view.mapping(i);
      if (m.base == kBaseVvar || m.base == kBaseVdso) continue;
      std::vector<PageUse> uses((m.end - m.start) / kPageSize, PageUse::kUntouched);
      for (const Vma& vma : vmas) {
        uint64_t lo = std::max(vma.start, m.start), hi = std::min(vma.end, m.end);
        if (lo >= hi || !still_the_mapping(vma, m, view, pages)) continue;
        if (vma.ino != 0) *matched = true;
        classify(pagemap, m, lo, hi, uses);
      }
      if (std::any_of(uses.begin(), uses.end(), [](PageUse u) { return u != PageUse::kUntouched; })) set.pages[i] = std::move(uses);
    }
  } catch (...) {
    ::close(pagemap);
    throw;
  }
  ::close(pagemap);
  return set;
}

std::string signal_text(int sig) {
  const char* name = sigabbrev_np(sig);
  return name ? std::string("SIG") + name : "signal " + std::to_string(sig);
}

}  // namespace

TrainingRun train(const SnapshotFile& s, const std::string& restore_path, const std::vector<std::string>& restore_options,
                  const std::vector<std::string>& invocation) {
  std::vector<std::string> args{restore_path, "--no-learned"};
  args.insert(args.end(), restore_options.begin(), restore_options.end());
  args.push_back(s.name());
  args.insert(args.end(), invocation.begin(), invocation.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid < 0) fail(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // Traced from the exec on: the kernel stops the child with SIGTRAP
    // once restore is loaded, before it runs.
    ::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
    ::execv(restore_path.c_str(), argv.data());
    ::_exit(127);  // the parent says it, in one line
  }
  auto wait_for = [pid](int* status) {
    while (::waitpid(pid, status, 0) < 0) {
      if (errno != EINTR) fail(std::string("waiting for restore: ") + std::strerror(errno));
    }
  };
  int status = 0;
  wait_for(&status);
  if (!WIFSTOPPED(status)) fail("learn: could not run " + restore_path + " (exec failed)");
  // EXITKILL: if snapinfo dies, the instance does not run on untraced.
  long options = PTRACE_O_TRACEEXIT | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
  if (::ptrace(PTRACE_SETOPTIONS, pid, nullptr, reinterpret_cast<void*>(options)) != 0) {
    int e = errno;
    ::kill(pid, SIGKILL);
    wait_for(&status);
    fail(std::string("learn: tracing restore: ") + std::strerror(e));
  }
  TrainingRun run;
  bool at_exit = false, executed = false, matched = false;
  std::string error;
  int deliver = 0;
  for (;;) {
    ::ptrace(PTRACE_CONT, pid, nullptr, reinterpret_cast<void*>(long(deliver)));
    deliver = 0;
    wait_for(&status);
    if (WIFEXITED(status) || WIFSIGNALED(status)) break;
    int event = status >> 16;
    if (event == PTRACE_EVENT_EXEC) {
      executed = true;  // the snapshot's memory is gone
    } else if (event == PTRACE_EVENT_EXIT && !at_exit) {
      at_exit = true;
      unsigned long exit_word = 0;
      ::ptrace(PTRACE_GETEVENTMSG, pid, nullptr, &exit_word);
      int code = int(exit_word);
      if (WIFSIGNALED(code)) {
        error = "the job was killed by " + signal_text(WTERMSIG(code)) + ": nothing learned";
      } else if (!executed) {
        run.exit_status = WEXITSTATUS(code);
        try {
          run.set = read_working_set(pid, s, &matched);
        } catch (const SnapshotError& e) {
          error = e.what();
        }
      }
    } else if (event == 0) {
      // A signal for the instance: delivered. A group-stop (the instance
      // stopped by the SIGSTOP delivered before) has no siginfo
      // (ptrace(2)): it just goes on.
      siginfo_t info;
      if (::ptrace(PTRACE_GETSIGINFO, pid, nullptr, &info) == 0) deliver = WSTOPSIG(status);
    }
  }
  if (!error.empty()) fail("learn " + s.name() + ": " + error);
  if (!at_exit) fail("learn " + s.name() + ": the instance ended without an exit stop: nothing learned");
  if (executed) fail("learn " + s.name() + ": the job executed another program: nothing learned");
  if (!matched) {
    fail("learn " + s.name() + ": restore exited with status " + std::to_string(run.exit_status) +
         " before the program ran: nothing learned");
  }
  return run;
}

}  // namespace snappy
