// Opens taken into the model without their exit stop (SyscallModel::
// defer_open, syscall_model.h).
#include <fcntl.h>
#include <sys/syscall.h>

#include "ptracer/coredump_filter.h"
#include "ptracer/proc_files.h"
#include "ptracer/syscall_model.h"

namespace snappy {

Decision SyscallModel::defer_open(const Tracee& tracee, const SyscallArgs& call) {
  // One thread, and no open already waiting (a program cannot make two
  // calls without a stop between them, but a restarted one re-enters).
  if (threads.size() != 1 || deferred_open_) return Decision::kContinue;
  deferred_open_ = DeferredOpen{tracee.tid(), lowest_free_fd(tracee.tid()), call};
  return applied(tracee.tid());
}

int SyscallModel::lowest_free_fd(pid_t tid) {
  if (!caller_fds_) {
    caller_fds_ = 0;
    for (int fd = 0; fd <= 2; ++fd) {
      if (!read_link(proc_path(tid, "fd/" + std::to_string(fd))).empty()) *caller_fds_ |= 1u << fd;
    }
  }
  for (int fd = 0;; ++fd) {
    bool caller_open = fd <= 2 && (*caller_fds_ & (1u << fd));
    if (!caller_open && !files.count(fd)) return fd;
  }
}

void SyscallModel::settle_open() {
  DeferredOpen d = *deferred_open_;
  deferred_open_.reset();
  // An open that failed made no fd: the one predicted is still free. One
  // interrupted by a signal and restarted enters again, and is deferred
  // again from there.
  std::string link = read_link(proc_path(d.tid, "fd/" + std::to_string(d.fd)));
  if (!link.empty()) record_open(d.fd, d.call, std::move(link));
}

void SyscallModel::record_open(pid_t tid, int fd, const SyscallArgs& call) {
  record_open(fd, call, read_link(proc_path(tid, "fd/" + std::to_string(fd))));
}

void SyscallModel::record_open(int fd, const SyscallArgs& call, std::string link) {
  OpenFile& f = files[fd];
  f = {std::move(link), next_description_++};
  int flags = static_cast<int>(call.args[call.nr == SYS_openat ? 2 : 1]);
  f.coredump_filter = (flags & O_ACCMODE) != O_RDONLY &&
                      names_own_coredump_filter(f.path, [this](pid_t t) { return is_ours(t); });
}

}  // namespace snappy
