// The syscall model's handlers for fds (SyscallModel, syscall_model.h):
// opens and what restore can reopen, sockets, pipes, eventfds, epoll, dup,
// and the status flags of the caller's fds 0-2. The opens taken in
// without an exit stop are deferred_open.cc.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include <cstdlib>
#include <cstring>

#include "common/snapshot_format.h"
#include "ptracer/coredump_filter.h"
#include "ptracer/jvm_perf_data.h"
#include "ptracer/open_target.h"
#include "ptracer/proc_files.h"
#include "ptracer/syscall_model.h"

namespace snappy {

namespace {

// `path` as the kernel would resolve it for the tracee: absolute as given,
// else against `dirfd` (AT_FDCWD: the cwd), read from /proc/TID.
std::string absolute_path(const Tracee& tracee, int dirfd, const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  std::string base = read_link(proc_path(tracee.tid(), dirfd == AT_FDCWD ? "cwd" : "fd/" + std::to_string(dirfd)));
  return base + "/" + path;
}

}  // namespace

Decision SyscallModel::open_entry(const Tracee& tracee, const SyscallArgs& call) {
  bool at = call.nr == SYS_openat;
  std::string path = absolute_path(tracee, at ? static_cast<int>(call.args[0]) : AT_FDCWD,
                                   tracee.read_string(call.ptr(at ? 1 : 0)));
  if (is_jvm_perf_data(path)) return fail(kPerfDataErrno, "the JVM's perf-data directory");
  // /proc and /sys files look regular but are the kernel's state: one
  // opened for writing is about to change it. The program's own
  // coredump_filter is the exception: its value is recorded and restored.
  // The path is judged again at the exit, as the kernel named what it
  // opened, before a write to it is allowed.
  int flags = static_cast<int>(call.args[at ? 2 : 1]);
  if ((flags & O_ACCMODE) != O_RDONLY && (path.starts_with("/proc/") || path.starts_with("/sys/")) &&
      !names_own_coredump_filter(as_seen_by(tracee.tid(), path), [this](pid_t t) { return is_ours(t); })) {
    trigger_reason_ = "opens " + path + " for writing";
    return Decision::kTrigger;
  }
  // Only what restore can reopen by path (regular files, directories,
  // stateless devices) is in the model; the rest is the snapshot point, at
  // this call, before the fd exists.
  if (std::optional<std::string> why = why_not_reopenable(tracee.tid(), path)) {
    trigger_reason_ = *why;
    return Decision::kTrigger;
  }
  return Decision::kContinue;
}

Decision SyscallModel::mkdir_entry(const Tracee& tracee, const SyscallArgs& call) {
  bool at = call.nr == SYS_mkdirat;
  std::string path = absolute_path(tracee, at ? static_cast<int>(call.args[0]) : AT_FDCWD,
                                   tracee.read_string(call.ptr(at ? 1 : 0)));
  if (is_jvm_perf_data(path)) return fail(kPerfDataErrno, "the JVM's perf-data directory");
  trigger_reason_ = "outside the model";
  return Decision::kTrigger;
}

Decision SyscallModel::connect_entry(const Tracee& tracee, const SyscallArgs& call) {
  auto it = files.find(static_cast<int>(call.args[0]));
  uint64_t len = std::min<uint64_t>(call.args[2], sizeof(sockaddr_un));
  if (it == files.end() || it->second.kind != format::kFdUnixSocket || len <= sizeof(sa_family_t)) {
    trigger_reason_ = "connects a socket";
    return Decision::kTrigger;
  }
  sockaddr_un addr{};
  tracee.read_into(call.ptr(1), &addr, len);
  std::string path(addr.sun_path, strnlen(addr.sun_path, len - sizeof(sa_family_t)));
  struct stat st;
  // Connecting to a path that does not exist fails with ENOENT and changes
  // nothing (glibc probing for nscd); anything else reaches a peer.
  if (addr.sun_family != AF_UNIX || path.empty() || path[0] != '/' || stat(path.c_str(), &st) == 0) {
    trigger_reason_ = "connects a socket" + (path.empty() ? std::string() : " to " + path);
    return Decision::kTrigger;
  }
  return Decision::kContinue;
}

void SyscallModel::new_fd_exit(const Tracee& tracee, const SyscallArgs& c, uint64_t rax) {
  int fd = static_cast<int>(rax);
  switch (c.nr) {
    case SYS_socket:
      // SOCK_CLOEXEC and SOCK_NONBLOCK come back from fdinfo.
      files[fd] = {"", next_description_++, format::kFdUnixSocket, static_cast<uint32_t>(c.args[1]) & 0xf,
                   static_cast<uint32_t>(c.args[2])};
      break;
    case SYS_pipe:
    case SYS_pipe2: {
      std::vector<int32_t> ends = tracee.read_array(c.ptr<int32_t>(0), 2);
      files[ends[0]] = {"", next_description_++, format::kFdPipeRead};
      files[ends[1]] = {"", next_description_++, format::kFdPipeWrite};
      break;
    }
    case SYS_eventfd:
    case SYS_eventfd2:
      files[fd] = {"", next_description_++, format::kFdEventfd};
      break;
    default:
      files[fd] = {"", next_description_++, format::kFdEpoll};
      break;
  }
}

Decision SyscallModel::epoll_ctl_entry(const SyscallArgs& call) {
  auto epoll = files.find(static_cast<int>(call.args[0]));
  int target = static_cast<int>(call.args[2]);
  if (epoll == files.end() || epoll->second.kind != format::kFdEpoll) {
    trigger_reason_ = "epoll_ctl on an fd outside the model";
    return Decision::kTrigger;
  }
  if (target <= 2) {
    trigger_reason_ = "waits on a standard stream";
    return Decision::kTrigger;
  }
  if (!files.count(target)) {
    trigger_reason_ = "epoll_ctl of fd " + std::to_string(target) + ", which the program did not open";
    return Decision::kTrigger;
  }
  return Decision::kContinue;
}

// The status flags setfl() lets F_SETFL change (fs/fcntl.c SETFL_MASK)
// besides O_APPEND and O_NONBLOCK: O_ASYNC, O_DIRECT, O_NOATIME.
constexpr uint32_t kOtherSetflBits = O_ASYNC | O_DIRECT | O_NOATIME;

Decision SyscallModel::status_flags_entry(const Tracee& tracee, const SyscallArgs& call) {
  // The kernel takes the fd as an unsigned int.
  uint32_t fd = static_cast<uint32_t>(call.args[0]);
  // Its own fd (fdinfo at capture), or one it opened where the caller
  // left 0-2 closed.
  if (fd > 2 || files.count(static_cast<int>(fd))) return Decision::kContinue;
  uint32_t now;
  try {
    std::string text = "\n" + read_text(proc_path(tracee.tid(), "fdinfo/" + std::to_string(fd)));
    size_t at = text.find("\nflags:");
    if (at == std::string::npos) return Decision::kContinue;
    now = static_cast<uint32_t>(std::strtoul(text.c_str() + at + 7, nullptr, 8));
  } catch (const std::exception&) {
    return Decision::kContinue;  // not open: EBADF, nothing changes
  }
  Pending& p = pending_[tracee.tid()];
  p.status_before = now & format::kCallerStatusBits;
  if (call.nr == SYS_ioctl) {
    // FIONBIO sets or clears O_NONBLOCK whatever it was: an explicit
    // change. Its argument points to an int; an unreadable one fails
    // (EFAULT) and changes nothing.
    int32_t on;
    try {
      on = tracee.read(call.ptr<int32_t>(2));
    } catch (const std::exception&) {
      return Decision::kContinue;
    }
    p.status_mask = format::kStatusNonblock;
    p.status_value = on ? format::kStatusNonblock : 0;
    return Decision::kContinue;
  }
  // F_SETFL replaces the status flags; a program sets what it read with
  // F_GETFL plus or minus a bit, so the bits it changes are those that
  // differ from the description's now (the cold run changes only those).
  uint32_t wanted = static_cast<uint32_t>(call.args[2]);
  if ((wanted ^ now) & kOtherSetflBits) {
    trigger_reason_ = "changes O_ASYNC, O_DIRECT or O_NOATIME of fd " + std::to_string(fd) + " (the caller's)";
    return Decision::kTrigger;
  }
  p.status_mask = (wanted ^ now) & format::kCallerStatusBits;
  p.status_value = wanted & p.status_mask;
  return Decision::kContinue;
}

Decision SyscallModel::dup_entry(const SyscallArgs& call) {
  int old_fd = static_cast<int>(call.args[0]);
  if (!files.count(old_fd)) {
    trigger_reason_ = "duplicates fd " + std::to_string(old_fd) + ", which the program did not open";
    return Decision::kTrigger;
  }
  if ((call.nr == SYS_dup2 || call.nr == SYS_dup3) && static_cast<int>(call.args[1]) <= 2) {
    trigger_reason_ = "replaces a standard stream";
    return Decision::kTrigger;
  }
  return Decision::kContinue;
}

}  // namespace snappy
