// What the recorder knows about the tracee's kernel state, kept up to date
// by the handlers of the modelled syscalls (common/syscall_table.h): the
// mapping model, the fd table, signal handlers, the output written to
// stdout/stderr, and per thread the alternate signal stack and the tid
// address.
//
// The kernel cannot be asked for some of this afterwards (handler addresses,
// sigaltstack, the clear_child_tid address), so it is modelled; what /proc
// or ptrace can tell at capture time (mappings, signal mask, rseq, robust
// list, fd offsets) is read there, and the mapping model is cross-checked
// against /proc/PID/maps.
//
// Threads share everything but the per-thread state below; each thread's
// syscall in flight (entry seen, exit awaited) is kept apart, so several
// threads can be inside modelled calls at once.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/syscall_table.h"
#include "ptracer/kernel_abi.h"
#include "ptracer/mapping_model.h"
#include "ptracer/timer_model.h"
#include "ptracer/tracee.h"

namespace snappy {

struct OpenFile {
  std::string path;  // absolute, from /proc/PID/fd at open time
                     // (flags, offset and close-on-exec come from fdinfo)
  uint32_t description = 0;  // the same for fds that dup() made from one open
  // Not a file: an epoll instance, a pipe end, an eventfd or a pristine
  // AF_UNIX socket, which restore creates anew (format::FdKind). For a
  // socket, its type and protocol as created.
  uint32_t kind = 0;
  uint32_t socket_type = 0, protocol = 0;
  // The program's own /proc/PID/coredump_filter, as the kernel named the
  // opened file: writes to it are allowed (ptracer/coredump_filter.h).
  bool coredump_filter = false;
};

struct AltStack {
  uint64_t sp = 0, size = 0;
  uint32_t flags = 2;  // SS_DISABLE until the program installs one
};

// What the tracer does after an entry handler ran. Whether it also stops at
// the syscall's exit (and calls on_exit) is the table's needs_exit.
enum class Decision {
  kContinue,  // let the syscall run
  kApplied,   // the handler applied the call at its entry, its result
              // predicted (ptracer/entry_prediction.h): let it run, no
              // exit stop whatever the table's needs_exit
  kFail,      // skip it: it returns -fail_errno() having done nothing (the
              // JVM's perf-data file, ptracer/jvm_perf_data.h)
  kTrigger,   // take the snapshot here: the syscall is outside the model
  kMarker,    // the checkpoint marker: snapshot, resume as if it succeeded
};

// The path whose access(2) marks the snapshot point (examples/). Nothing
// can create it: /proc allows no new files.
inline constexpr const char* kCheckpointPath = "/proc/snappy-start/checkpoint";

// What the kernel keeps per thread and cannot be asked for later.
struct ThreadState {
  uint64_t tid_address = 0;  // set_tid_address / CLONE_CHILD_CLEARTID
  AltStack altstack;         // a new thread starts with none (clone(2))
};

// What the program did to the status flags of one of the caller's fds 0-2
// (the description it shares with the caller, as a cold run does): which
// of format::kCallerStatusBits it changed, their last values, and what
// they were before its first change (for ptracer to put back).
struct CallerStatus {
  uint32_t mask = 0, value = 0, before = 0;
};

class SyscallModel {
 public:
  Decision on_entry(ModelHandler handler, const Tracee& tracee, const SyscallArgs& call);
  void on_exit(const Tracee& tracee);
  // Takes in an open whose exit stop was skipped (below), at the next stop
  // of the program: by then the call has returned. Cheap when none waits.
  void settle_deferred_open() {
    if (deferred_open_) settle_open();
  }
  // PTRACE_EVENT_CLONE: thread `parent` made thread `child` with the clone
  // whose entry on_entry accepted.
  void on_thread_created(pid_t parent, pid_t child);
  void on_thread_exited(pid_t tid) {
    threads.erase(tid);
    pending_.erase(tid);
  }
  // Why the last on_entry returned kTrigger, for the summary line.
  const std::string& trigger_reason() const { return trigger_reason_; }
  // The errno of the last kFail, and why (for -v).
  int fail_errno() const { return fail_errno_; }
  const std::string& fail_reason() const { return fail_reason_; }

  MappingModel mappings;
  // The recorded program's absolute path: what /proc/self/exe would name
  // had the kernel exec'd it, not elf_loader.
  std::string program_path;
  // The thread the recorder pinned to one CPU (0: none) and the mask it
  // would have had (sched_getaffinity's bytes); other threads have that
  // mask already.
  pid_t pinned_thread = 0;
  std::vector<uint8_t> caller_affinity;
  std::map<int, OpenFile> files;             // fds >= 3 the program opened
  std::map<int, CallerStatus> caller_status; // by fd, 0-2
  std::map<int, KernelSigaction> sigactions;
  std::map<pid_t, ThreadState> threads;
  TimerModel timers;  // POSIX timers (timer_create and friends)
  // The program put a mapping inside the loader/restore window: refused at
  // capture (docs/DESIGN.md, "Address-space contract").
  bool mapped_into_window = false;
  // The top of the stack the kernel built for elf_loader (from /proc maps at
  // exec). elf_loader copies what the program needs to a new stack, so this
  // one is not part of the snapshot; after the loader's PR_SET_MM_MAP the
  // kernel labels the new stack [stack], so it is known by address.
  uint64_t kernel_stack_end = 0;
  struct Output {
    int fd;
    std::vector<uint8_t> bytes;
  };
  std::vector<Output> output;
  // Bit r: the program set resource limit r itself (a successful
  // setrlimit or prlimit64 on itself, whatever the value): restore applies
  // only these (format::ProcessRecord::rlimits_set).
  uint32_t rlimits_set = 0;
  // What the last successful mlockall left in mm->def_flags, which no
  // /proc file shows: format::kProcessLockFuture, with
  // kProcessLockFutureOnFault. munlockall clears it.
  uint32_t lock_future = 0;
  // The program wrote to its own coredump_filter: capture records the value
  // it left (format::kProcessCoredumpFilter).
  bool coredump_filter_set = false;
  // Most output kept for replay; it is stored in NAME.info (whose reader
  // limit is format::kMaxInfoSize).
  static constexpr uint64_t kMaxReplayBytes = 64ull << 20;

 private:
  Decision open_entry(const Tracee& tracee, const SyscallArgs& call);
  // ptracer/deferred_open.cc. An open in a program of one thread needs no
  // exit stop: the kernel gives the lowest free fd (fs/file.c
  // alloc_fd), which the model knows, since every call that makes an fd
  // is modelled or a trigger and no other thread can make one meanwhile.
  // Whether it succeeded, and the path it opened, are read from
  // /proc/PID/fd/N at the program's next stop (settle_open): the fd exists
  // there only if this open made it.
  Decision defer_open(const Tracee& tracee, const SyscallArgs& call);
  void settle_open();
  int lowest_free_fd(pid_t tid);
  // A successful open of `fd` (at its exit, or settled), with the path
  // /proc/TID/fd/FD links to (read here, or already by the caller).
  void record_open(pid_t tid, int fd, const SyscallArgs& call);
  void record_open(int fd, const SyscallArgs& call, std::string link);
  Decision mkdir_entry(const Tracee& tracee, const SyscallArgs& call);
  Decision fail(int error, std::string why) {
    fail_errno_ = error;
    fail_reason_ = std::move(why);
    return Decision::kFail;
  }
  bool is_ours(pid_t tid) const { return threads.count(tid) != 0; }
  Decision dup_entry(const SyscallArgs& call);
  Decision connect_entry(const Tracee& tracee, const SyscallArgs& call);
  Decision clone_entry(const Tracee& tracee, const SyscallArgs& call);
  Decision poll_entry(const Tracee& tracee, const SyscallArgs& call);
  Decision epoll_ctl_entry(const SyscallArgs& call);
  Decision status_flags_entry(const Tracee& tracee, const SyscallArgs& call);
  Decision lock_all_entry(const Tracee& tracee, const SyscallArgs& call);
  void new_fd_exit(const Tracee& tracee, const SyscallArgs& call, uint64_t rax);
  void rt_sigreturn_entry(const Tracee& tracee);
  void readlink_exit(const Tracee& tracee, const SyscallArgs& call, const std::string& path);
  void affinity_exit(const Tracee& tracee, const SyscallArgs& call);
  void note_window(uint64_t start, uint64_t end);
  // A successful mmap that returned `start` (at its exit, or at its entry
  // when predicted).
  void apply_mmap(const SyscallArgs& call, uint64_t start, const std::string& path);
  // Decision::kApplied for the thread: no exit stop follows.
  Decision applied(pid_t tid) {
    pending_.erase(tid);
    return Decision::kApplied;
  }
  void record_output(const Tracee& tracee, const SyscallArgs& call, uint64_t written);

  // The call whose exit is awaited, and what its entry saw.
  struct Pending {
    ModelHandler handler;
    SyscallArgs call;
    std::string path;
    KernelSigaction action;
    AltStack stack;
    uint64_t child_tid_address = 0;  // kClone
    // kStatusFlags on fd 0-2: the bits it changes, to what, and the
    // flags it found.
    uint32_t status_mask = 0, status_value = 0, status_before = 0;
  };
  std::map<pid_t, Pending> pending_;  // by thread
  std::string trigger_reason_;
  int fail_errno_ = 0;
  std::string fail_reason_;
  uint32_t next_description_ = 1;
  uint64_t output_bytes_ = 0;
  // What brk(0) returned at the first brk's exit. The break never moves
  // while recording (every brk is made to fail), and only PR_SET_MM can
  // set it (kSetMm forgets it), so later brk calls are skipped at their
  // entry and answered with it, as the kernel answers a failed brk.
  std::optional<uint64_t> known_break_;
  struct DeferredOpen {
    pid_t tid;
    int fd;
    SyscallArgs call;
  };
  std::optional<DeferredOpen> deferred_open_;
  // Which of fds 0-2 the caller left open (read once; the program cannot
  // change them: closing or replacing one is a trigger). Bit n: fd n.
  std::optional<uint32_t> caller_fds_;
};

}  // namespace snappy
