#include "ptracer/capture.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <future>
#include <map>
#include <tuple>
#include <optional>
#include <sstream>

#include "common/atomic_file.h"
#include "common/cpu_features.h"
#include "common/fd_record.h"
#include "common/snapshot_writer.h"
#include "ptracer/coredump_filter.h"
#include "ptracer/exit_gadget_search.h"
#include "ptracer/file_table.h"
#include "ptracer/memory_capture.h"
#include "ptracer/proc_fds.h"
#include "ptracer/proc_files.h"
#include "ptracer/proc_maps.h"
#include "ptracer/process_state.h"
#include "ptracer/syscall_restart.h"
#include "ptracer/vm_flags.h"

namespace snappy {

using namespace format;

namespace {

uint32_t read_umask(const std::string& status) {
  std::string umask = status_field(status, "Umask");
  return umask.empty() ? 022 : static_cast<uint32_t>(std::strtoul(umask.c_str(), nullptr, 8));
}

// Whether the program set PR_SET_THP_DISABLE: "THP_enabled: 0" in
// /proc/PID/status (since Linux 5.0; absent before, where it reads as set
// never, i.e. false).
bool read_thp_disabled(const std::string& status) {
  std::string thp = status_field(status, "THP_enabled");
  return !thp.empty() && std::strtoul(thp.c_str(), nullptr, 10) == 0;
}

BlobRef add_strings(Snapshot& s, const std::vector<std::string>& strings) {
  std::string joined;
  for (const auto& a : strings) {
    joined += a;
    joined.push_back('\0');
  }
  return s.add_blob(joined.data(), joined.size());
}

// Which /proc maps entries belong in the snapshot. The loader's window is
// not part of the program; the kernel's original stack holds only the
// loader's arguments (elf_loader copies what the program needs).
std::vector<ProcMapsEntry> program_mappings(pid_t pid, const SyscallModel& syscalls) {
  const MappingModel& model = syscalls.mappings;
  std::vector<ProcMapsEntry> kept;
  for (ProcMapsEntry& e : read_proc_maps(pid)) {
    if (e.path == "[vsyscall]" || e.end == syscalls.kernel_stack_end) continue;
    // Only the loader lives in the window: the model refuses any program
    // mapping there (SyscallModel::mapped_into_window).
    if (e.start >= kWindowStart && e.end <= kWindowEnd) continue;
    if (e.start < kWindowEnd && e.end > kWindowStart) {
      throw CaptureError("a mapping straddles the reserved window at 0x" +
                         (std::ostringstream() << std::hex << e.start).str());
    }
    if (!e.is_special()) {
      if (auto why = model.explain_mismatch(e)) throw CaptureError("mapping not explained by the syscall model: " + *why);
    }
    kept.push_back(std::move(e));
  }
  return kept;
}

// The registers the trigger thread resumes with: after the marker call as
// if access() succeeded, else back at the syscall, to make it for real.
user_regs_struct trigger_registers(const Tracee& tracee, TriggerKind kind) {
  user_regs_struct r = tracee.registers();
  if (kind != kTriggerMarker) return reenter_syscall(r);
  r.rax = 0;
  return r;
}

ThreadRecord capture_thread(const Tracee& tracee, const user_regs_struct& r, const SyscallModel& model,
                            Snapshot& s) {
  ThreadRecord t{};
  t.tid = static_cast<uint32_t>(tracee.tid());
  static_assert(sizeof(r) == sizeof(t.regs), "user_regs_struct is 27 registers");
  std::memcpy(t.regs, &r, sizeof(r));
  std::vector<uint8_t> xsave = tracee.xsave_area();
  t.xsave = s.add_blob(xsave.data(), xsave.size());
  t.sigmask = tracee.signal_mask();
  auto state = model.threads.find(tracee.tid());
  ThreadState thread = state == model.threads.end() ? ThreadState{} : state->second;
  t.tid_address = thread.tid_address;
  auto [head, len] = tracee.robust_list();
  t.robust_list = head;
  t.robust_list_len = len;
  RseqConfig rseq = tracee.rseq();
  t.rseq_addr = rseq.address;
  t.rseq_len = rseq.size;
  t.rseq_sig = rseq.signature;
  t.altstack_sp = thread.altstack.sp;
  t.altstack_size = thread.altstack.size;
  t.altstack_flags = thread.altstack.flags;
  return t;
}

// What is in a pipe of the tracee, read without taking it out: tee(2)
// from a copy of its read end (pidfd_getfd: the tracer may, it has ptrace
// access) into a pipe of our own.
std::string pipe_contents(pid_t pid, int read_fd) {
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) throw CaptureError(std::string("pidfd_open: ") + std::strerror(errno));
  int copy = static_cast<int>(syscall(SYS_pidfd_getfd, pidfd, read_fd, 0));
  int saved = errno;
  close(pidfd);
  if (copy < 0) throw CaptureError(std::string("pidfd_getfd: ") + std::strerror(saved));
  int bytes = 0;
  std::string data;
  int ours[2] = {-1, -1};
  bool ok = ioctl(copy, FIONREAD, &bytes) == 0;
  if (ok && bytes > 0) {
    if (static_cast<uint32_t>(bytes) > kMaxPipeData) {
      close(copy);
      throw CaptureError("fd " + std::to_string(read_fd) + " is a pipe holding more than 64 KiB");
    }
    ok = pipe2(ours, O_CLOEXEC) == 0 && fcntl(ours[1], F_SETPIPE_SZ, bytes) >= 0 &&
         tee(copy, ours[1], static_cast<size_t>(bytes), SPLICE_F_NONBLOCK) == bytes;
    data.resize(static_cast<size_t>(bytes));
    ok = ok && read(ours[0], data.data(), data.size()) == bytes;
  }
  for (int fd : {copy, ours[0], ours[1]}) {
    if (fd >= 0) close(fd);
  }
  if (!ok) throw CaptureError("cannot read what a pipe holds");
  return data;
}

// Each pipe's blob (its inode, then its data) by inode, and the data size.
using PipeBlobs = std::map<uint64_t, std::pair<uint64_t, uint32_t>>;

// The blob of a pipe, made at the first of its ends.
std::pair<uint64_t, uint32_t> pipe_blob(pid_t pid, uint64_t inode, const SyscallModel& model, PipeBlobs& pipes,
                                        Snapshot& s) {
  auto known = pipes.find(inode);
  std::string data;
  if (known == pipes.end()) {
    // The data can only matter if a read end is open.
    for (const auto& [fd, file] : model.files) {
      if (file.kind != kFdPipeRead) continue;
      std::string link = read_link(proc_path(pid, "fd/" + std::to_string(fd)));
      if (std::strtoull(link.c_str() + std::min<size_t>(link.size(), 6), nullptr, 10) == inode) {
        data = pipe_contents(pid, fd);
        break;
      }
    }
    std::string blob(8, '\0');
    std::memcpy(blob.data(), &inode, 8);
    blob += data;
    uint64_t offset = s.add_blob(blob.data(), blob.size()).offset;
    known = pipes.emplace(inode, std::make_pair(offset, static_cast<uint32_t>(data.size()))).first;
  }
  return known->second;
}

// Whether `candidate` (an fd of `pid`) holds the description of the
// `nth` entry registered under `tfd` in epoll instance `epfd`: kcmp(2)
// KCMP_EPOLL_TFD, which counts `nth` among entries with the same number
// in the order fdinfo lists them (fs/eventpoll.c get_epoll_tfile_raw_ptr,
// Linux 4.13). -1: kcmp cannot tell (no CONFIG_KCMP).
int holds_registered(pid_t pid, int epfd, int tfd, uint32_t nth, int candidate) {
  struct {
    uint32_t efd, tfd, toff;
  } slot{static_cast<uint32_t>(epfd), static_cast<uint32_t>(tfd), nth};
  constexpr int kKcmpEpollTfd = 7;
  long same = syscall(SYS_kcmp, pid, pid, kKcmpEpollTfd, candidate, &slot);
  if (same < 0) return errno == ENOSYS || errno == EPERM ? -1 : 0;  // EBADF: no fd there
  return same == 0;
}

// An epoll instance's interest list (fdinfo "tfd: N events: E data: D"),
// each entry with the fd of `fds` that holds its description now: the
// registered number itself, or another (its number was closed or reused
// since, while a dup kept the description). Returns the entry count and
// records them in `r`.
void capture_epoll_registrations(pid_t pid, int epfd, const std::string& text, const std::vector<int>& fds,
                                 FdRecord& r, Snapshot& s) {
  std::vector<EpollRegistration> list;
  std::map<int, uint32_t> seen;  // entries so far per registered number
  for (size_t at = text.find("\ntfd:"); at != std::string::npos; at = text.find("\ntfd:", at + 1)) {
    std::istringstream line(text.substr(at + 1, text.find('\n', at + 1) - at - 1));
    std::string tfd_key, events_key, data_key;
    EpollRegistration e{};
    line >> tfd_key >> e.fd >> events_key >> std::hex >> e.events >> data_key >> e.data;
    uint32_t nth = seen[e.fd]++;
    bool open = std::find(fds.begin(), fds.end(), e.fd) != fds.end();
    int here = open ? holds_registered(pid, epfd, e.fd, nth, e.fd) : 0;
    e.holder = -1;
    if (here != 0 && open) {
      e.holder = e.fd;  // (without kcmp, as the model says: the fd is the one registered)
    } else {
      for (int fd : fds) {
        if (fd > 2 && fd != e.fd && holds_registered(pid, epfd, e.fd, nth, fd) == 1) {
          e.holder = fd;
          break;
        }
      }
    }
    if (e.holder < 0) {
      throw CaptureError("epoll fd " + std::to_string(epfd) + " watches a description registered as fd " +
                         std::to_string(e.fd) + " that no open fd holds");
    }
    list.push_back(e);
  }
  set_epoll_registrations(r, s.add_blob(list.data(), list.size() * sizeof(EpollRegistration)).offset,
                          static_cast<uint32_t>(list.size()));
}

// What an fd restore creates anew holds: a pipe's data; an eventfd's
// counter; an epoll instance's interest list (fdinfo "tfd: N events: E
// data: D").
void capture_anon_fd(pid_t pid, const ProcFd& info, const SyscallModel& model, const std::vector<int>& fds, FdRecord& r,
                     Snapshot& s, PipeBlobs& pipes) {
  int fd = info.fd;
  const std::string& text = info.fdinfo;
  if (r.kind == kFdPipeRead || r.kind == kFdPipeWrite) {
    std::string link = read_link(proc_path(pid, "fd/" + std::to_string(fd)));  // pipe:[INODE]
    uint64_t inode = std::strtoull(link.c_str() + std::min<size_t>(link.size(), 6), nullptr, 10);
    auto [blob_offset, data_size] = pipe_blob(pid, inode, model, pipes, s);
    set_pipe_end(r, blob_offset, data_size);
  } else if (r.kind == kFdEventfd) {
    set_eventfd(r, fdinfo_value(text, "eventfd-count:", 16).value_or(0),
                fdinfo_value(text, "eventfd-semaphore:", 10).value_or(0) != 0);
  } else {
    capture_epoll_registrations(pid, fd, text, fds, r, s);
  }
}

void capture_fds(pid_t pid, const SyscallModel& model, ProcessRecord& p, Snapshot& s, FileTable& files) {
  p.first_fd = static_cast<uint32_t>(s.fds.size());
  PipeBlobs pipes;
  // The caller's fds 0-2 stay the caller's; what the program changed in
  // their status flags, restore changes in its caller's (FdKind).
  for (const auto& [fd, status] : model.caller_status) {
    FdRecord r{};
    r.fd = fd;
    r.kind = kFdCallerStatus;
    set_caller_status_changed(r, status.mask);
    r.open_flags = status.value;
    s.fds.push_back(r);
  }
  std::vector<int> fds = open_fds(pid);
  for (int fd : fds) {
    if (fd <= 2) continue;  // the restoring caller's own stdin/out/err
    auto it = model.files.find(fd);
    if (it == model.files.end()) throw CaptureError("fd " + std::to_string(fd) + " was not opened through the model");
    std::optional<ProcFd> info = read_fdinfo(pid, fd);
    if (!info) throw CaptureError("cannot read " + proc_path(pid, "fdinfo/" + std::to_string(fd)));
    uint64_t pos = info->pos;
    uint32_t flags = info->flags;
    FdRecord r{};
    r.fd = fd;
    r.open_flags = flags;
    // fdinfo's flags carry O_CLOEXEC whichever call set it (open, fcntl,
    // ioctl(FIOCLEX)).
    r.fd_flags = (flags & O_CLOEXEC) ? FD_CLOEXEC : 0;
    r.open_flags = flags & ~O_CLOEXEC;
    r.kind = it->second.kind;
    if (r.kind == kFdFile) {
      std::optional<uint32_t> own = files.intern_of_process(it->second.path, pid);
      set_file_fd(r, own ? *own : files.intern_open(it->second.path), pos);
    } else if (r.kind == kFdUnixSocket) {
      r.open_flags = it->second.socket_type | (flags & O_NONBLOCK);
      set_socket_protocol(r, it->second.protocol);
    }
    r.description = it->second.description;
    if (r.kind == kFdPipeRead || r.kind == kFdPipeWrite || r.kind == kFdEventfd || r.kind == kFdEpoll) {
      r.open_flags = flags & O_NONBLOCK;
      capture_anon_fd(pid, *info, model, fds, r, s, pipes);
    }
    s.fds.push_back(r);
  }
  p.fd_count = static_cast<uint32_t>(s.fds.size()) - p.first_fd;
}

}  // namespace

CaptureResult capture_snapshot(pid_t pid, const Tracee& trigger, const std::vector<StoppedThread>& others,
                               const SyscallModel& model, const CaptureRequest& request) {
  if (model.mapped_into_window) {
    throw CaptureError("the program mapped memory inside restore's reserved window (0x200000000000, 1 GiB)");
  }
  PhaseClock unused;
  PhaseClock& clock = request.phases ? *request.phases : unused;
  // The VmFlags memory capture needs, from /proc/PID/smaps, which walks
  // every page table to count Rss and the like (2 ms for numpy): read on a
  // thread of its own while threads, fds and process state are captured.
  std::future<std::map<uint64_t, VmFlags>> vm_flags = std::async(std::launch::async, read_vmflags, pid);
  Snapshot s;
  s.created_unix_ns = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
  s.xcr0 = read_xcr0();
  s.xsave_size = read_xsave_size();
  read_cpu_features(s.cpu_features);
  FileTable files(s, request.may_change);
  files.hash_in_background();  // overlaps the memory capture (ContentHasher)

  ProcessRecord p{};
  p.pid = static_cast<uint32_t>(pid);
  p.flags = request.no_vdso ? uint32_t{kProcessNoVdso} : 0u;
  std::string status = read_text(proc_path(pid, "status"));
  if (read_thp_disabled(status)) p.flags |= kProcessThpDisabled;
  p.flags |= model.lock_future;
  // The value the program left, as the kernel holds it (the last write
  // wins; one it refused changed nothing). A program that never wrote it
  // keeps whatever each instance's caller has, as a cold run would.
  if (model.coredump_filter_set) {
    p.flags |= kProcessCoredumpFilter;
    p.coredump_filter = read_coredump_filter(pid);
  }
  // The leader first: restore's own thread becomes it, and makes the
  // others with clone.
  p.first_thread = 0;
  std::vector<StoppedThread> threads = others;
  StoppedThread at{trigger.tid(), trigger_registers(trigger, request.kind)};
  threads.insert(trigger.tid() == pid ? threads.begin() : threads.begin() + (threads.empty() ? 0 : 1), at);
  if (threads.front().tid != pid) throw CaptureError("the program's main thread is gone");
  for (const StoppedThread& t : threads) {
    if (t.tid == trigger.tid()) p.trigger.thread = static_cast<uint32_t>(s.threads.size());
    s.threads.push_back(capture_thread(Tracee(t.tid), t.regs, model, s));
  }
  p.thread_count = static_cast<uint32_t>(s.threads.size());
  std::vector<pid_t> tids;
  for (const StoppedThread& t : threads) tids.push_back(t.tid);
  p.first_timer = static_cast<uint32_t>(s.timers.size());
  for (const TimerRecord& t : model.timers.capture(pid, tids)) s.timers.push_back(t);
  p.timer_count = static_cast<uint32_t>(s.timers.size()) - p.first_timer;
  p.next_timer_id = model.timers.next_id();

  SyscallArgs call = trigger.syscall_args();
  p.trigger.nr = static_cast<uint64_t>(call.nr);
  std::memcpy(p.trigger.args, call.args, sizeof(call.args));
  p.trigger.kind = request.kind;

  // The program as an absolute path (it may be relative).
  char* absolute = realpath(request.program.c_str(), nullptr);
  p.exe = s.add_string(absolute ? absolute : request.program);
  std::free(absolute);
  p.argv = add_strings(s, request.argv);
  p.envp = add_strings(s, request.envp);
  read_process_state(pid, Missing::kRefuse, p, s);
  p.mm = read_mm_layout(pid);
  p.umask = read_umask(status);
  p.rlimits_set = model.rlimits_set;

  p.first_sigaction = 0;
  for (const auto& [signo, act] : model.sigactions) {
    s.sigactions.push_back({static_cast<uint32_t>(signo), 0, act.handler, act.flags, act.restorer, act.mask});
  }
  p.sigaction_count = static_cast<uint32_t>(s.sigactions.size());

  p.first_output = 0;
  if (request.replay_output) {
    for (const auto& out : model.output) {
      s.outputs.push_back({static_cast<uint32_t>(out.fd), 0, s.add_blob(out.bytes.data(), out.bytes.size())});
    }
  }
  p.output_count = static_cast<uint32_t>(s.outputs.size());

  clock.lap("threads");
  capture_fds(pid, model, p, s, files);
  clock.lap("fds");

  std::vector<ProcMapsEntry> mappings = program_mappings(pid, model);
  clock.lap("process state");
  find_exit_gadgets(trigger, mappings, request.no_vdso, p);
  clock.lap("exit gadgets");
  AtomicFile pages(request.output + ".pages");
  MemoryCaptureStats stats = capture_memory(pid, mappings, p, s, files, pages, vm_flags.get());
  s.processes.push_back(p);
  clock.lap("memory");
  files.finish();
  clock.lap("file hashes");
  if (request.program_read) request.program_read();

  uint64_t pages_size = bind_pages_file(pages, s);
  std::vector<uint8_t> info_bytes = serialize_info(s, pages_size);
  AtomicFile info(request.output + ".info");
  info.pwrite_all(info_bytes.data(), info_bytes.size(), 0);
  clock.lap("info");
  // Both files' data on its way before the first fsync, so that its
  // journal commit (ext4) takes both files' allocations and the second
  // fsync finds little left to do: one commit, not two.
  pages.start_writeback();
  info.start_writeback();
  pages.sync();
  info.sync();
  clock.lap("fsync");
  // Pages first: an info file never names pages that are not in place; if
  // the info cannot be renamed, the previous pages come back.
  AtomicFile::rename_pair_into_place(pages, info);
  clock.lap("rename");
  return {stats.mappings, stats.bytes_stored, pages_size, info_bytes.size()};
}

}  // namespace snappy
