#include "common/atomic_file.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>
#include <vector>

#include "common/output_path.h"

namespace snappy {

namespace {

[[noreturn]] void throw_write_error(int err, const std::string& what) {
  throw WriteError(err, std::generic_category(), what);
}

// A name nobody can guess: the final name (shortened, so that the whole
// stays under NAME_MAX) + ".tmp." + 64 random bits.
std::string random_temp_name(const std::string& base) {
  uint64_t r = 0;
  while (::getrandom(&r, sizeof(r), 0) != static_cast<ssize_t>(sizeof(r))) {
    if (errno != EINTR) throw_write_error(errno, "getrandom");
  }
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(r));
  return base.substr(0, 200) + ".tmp." + hex;
}

// What the closer processes below need: the fds to close last and the
// gate's two ends.
struct Closer {
  const int* fds;  // sorted
  size_t count;
  int gate_read, gate_write;
};

// The grandchild: once every other copy of the gate's write end is closed
// (EOF), closes everything but the fds, then them, the last references.
[[noreturn]] void close_last(const Closer& c) {
  // Niced, so that waking at the gate it does not preempt the caller,
  // whose close of the gate wakes it: at the same priority it took the
  // caller's CPU for its discards, ~1 ms of every other numpy recording.
  ::setpriority(PRIO_PROCESS, 0, 19);
  ::close(c.gate_write);
  char byte;
  while (::read(c.gate_read, &byte, 1) < 0 && errno == EINTR) {
  }
  unsigned from = 0;  // every fd but `fds`
  for (size_t i = 0; i < c.count; ++i) {
    auto fd = static_cast<unsigned>(c.fds[i]);
    if (fd > from) ::syscall(SYS_close_range, from, fd - 1, 0u);
    from = fd + 1;
  }
  ::syscall(SYS_close_range, from, ~0u, 0u);
  for (size_t i = 0; i < c.count; ++i) ::close(c.fds[i]);
  ::_exit(0);
}

// The child, which shares the caller's memory (CLONE_VM | CLONE_VFORK:
// no copy of the address space is made for it, and the caller waits until
// it exits): makes the grandchild, a real copy, with a raw clone (glibc's
// fork() would write its thread data, which this child shares with the
// caller's thread), closes its own copies and exits.
int make_closer(void* arg) {
  const Closer& c = *static_cast<const Closer*>(arg);
  if (::syscall(SYS_clone, SIGCHLD, nullptr, nullptr, nullptr, nullptr) == 0) close_last(c);
  for (size_t i = 0; i < c.count; ++i) ::close(c.fds[i]);
  ::close(c.gate_write);
  return 0;
}

// Closes `fds`, the last references to replaced files, in a detached
// grandchild, so that freeing their blocks costs the caller nothing: on
// ext4 mounted with `discard` (this project's machines) the last close of
// a 25 MB file issues its discards synchronously, 40-120 ms, and even a
// 40 KB NAME.info's took ~1 ms. The grandchild closes its copies only once
// every other copy is closed (EOF on a pipe whose write end the caller and
// the child close after their copies of `fds`), so its closes are the last
// ones whichever runs first; it holds nothing else (no pipe of the
// caller's stays open through it) and is reaped by init. Only the
// grandchild copies the address space (a fork and a fork from it were two
// copies: 0.5-1.8 ms of a numpy recording). All signals are blocked from
// before the child until it is gone (it runs on the caller's memory), and
// stay blocked in the grandchild, which needs none. If the child cannot be
// made, the caller closes the fds itself. Only async-signal-safe calls in
// the children (the caller may have threads).
void close_in_background(std::vector<int> fds) {
  if (fds.empty()) return;
  std::sort(fds.begin(), fds.end());
  int gate[2];
  if (::pipe2(gate, O_CLOEXEC) != 0) {
    for (int fd : fds) ::close(fd);
    return;
  }
  Closer closer{fds.data(), fds.size(), gate[0], gate[1]};
  sigset_t all, before;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &before);
  alignas(16) char stack[16 << 10];  // the child's, while the caller waits
  pid_t child = ::clone(make_closer, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | SIGCHLD, &closer);
  ::pthread_sigmask(SIG_SETMASK, &before, nullptr);
  for (int fd : fds) ::close(fd);  // before the gate: then the grandchild's copies are the last
  ::close(gate[1]);
  ::close(gate[0]);
  if (child > 0) {
    while (::waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
}

}  // namespace

AtomicFile::AtomicFile(std::string final_path) : final_path_(std::move(final_path)) {
  size_t slash = final_path_.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : final_path_.substr(0, slash);
  base_ = slash == std::string::npos ? final_path_ : final_path_.substr(slash + 1);
  if (base_.empty() || base_ == "." || base_ == "..") throw_write_error(EISDIR, "creating " + final_path_);
  dir_fd_ = ::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd_ < 0) throw_write_error(errno, "creating " + final_path_);
  try {
    check_final_name("creating");
    // Unnamed, so that nobody can open it; linkable (no O_EXCL) at commit,
    // through /proc/self/fd (so /proc must be there to use it).
    fd_ = ::openat(dir_fd_, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd_ >= 0 && ::access(("/proc/self/fd/" + std::to_string(fd_)).c_str(), F_OK) != 0) {
      ::close(fd_);
      fd_ = -1;
      errno = EOPNOTSUPP;
    }
    if (fd_ < 0) {
      // EOPNOTSUPP: this filesystem has no O_TMPFILE; EISDIR: a kernel that
      // does not know it (it reads as O_DIRECTORY); EINVAL likewise.
      if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) throw_write_error(errno, "creating " + final_path_);
      for (int attempt = 0; fd_ < 0; ++attempt) {
        std::string name = random_temp_name(base_);
        fd_ = ::openat(dir_fd_, name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd_ >= 0) {
          temp_name_ = name;
        } else if (errno != EEXIST || attempt == 100) {
          throw_write_error(errno, "creating " + final_path_);
        }
      }
    }
    // O_CREAT's mode is masked by umask; the file is ours alone, so making
    // it exactly 0600 opens nothing to anyone.
    if (::fchmod(fd_, 0600) != 0) throw_write_error(errno, "creating " + final_path_);
  } catch (...) {
    if (fd_ >= 0) ::close(fd_);
    if (!temp_name_.empty()) ::unlinkat(dir_fd_, temp_name_.c_str(), 0);
    ::close(dir_fd_);
    throw;
  }
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_name_.empty()) ::unlinkat(dir_fd_, temp_name_.c_str(), 0);
  if (dir_fd_ >= 0) ::close(dir_fd_);
}

void AtomicFile::check_final_name(const char* verb) const {
  struct stat dir, st;
  if (::fstat(dir_fd_, &dir) != 0) throw_write_error(errno, verb + (" " + final_path_));
  if (::fstatat(dir_fd_, base_.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return;
    throw_write_error(errno, verb + (" " + final_path_));
  }
  std::string why = foreign_in_sticky_dir(dir, st);
  if (why.empty() && !special_file_kind(st.st_mode).empty()) why = special_file_kind(st.st_mode) + ", not a regular file";
  if (!why.empty()) throw WriteError(verb + (" " + final_path_) + ": " + why, EPERM);
}

void AtomicFile::pwrite_all(const void* data, size_t size, uint64_t offset) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::pwrite(fd_, p, size, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_write_error(errno, "writing " + final_path_);
    }
    // A short write is followed by the error itself (ENOSPC, EFBIG) on the
    // next call; n == 0 would loop forever, so name it.
    if (n == 0) throw_write_error(ENOSPC, "writing " + final_path_);
    p += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
}

void AtomicFile::truncate(uint64_t size) {
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) throw_write_error(errno, "sizing " + final_path_);
}

void AtomicFile::sync() {
  if (::fsync(fd_) != 0) throw_write_error(errno, "writing " + final_path_);
}

void AtomicFile::start_writeback(uint64_t offset, uint64_t size) {
  ::sync_file_range(fd_, static_cast<off_t>(offset), static_cast<off_t>(size), SYNC_FILE_RANGE_WRITE);
}

void AtomicFile::link_in() {
  if (!temp_name_.empty()) return;
  std::string proc = "/proc/self/fd/" + std::to_string(fd_);
  for (int attempt = 0;; ++attempt) {
    std::string name = random_temp_name(base_);
    // linkat creates `name` or fails: an existing name (a symlink
    // included) is neither followed nor replaced.
    if (::linkat(AT_FDCWD, proc.c_str(), dir_fd_, name.c_str(), AT_SYMLINK_FOLLOW) == 0) {
      temp_name_ = name;
      return;
    }
    if (errno != EEXIST || attempt == 100) throw_write_error(errno, "renaming to " + final_path_);
  }
}

void AtomicFile::rename_linked_into_place() {
  if (::renameat(dir_fd_, temp_name_.c_str(), dir_fd_, base_.c_str()) != 0) {
    throw_write_error(errno, "renaming to " + final_path_);
  }
  committed_ = true;
}

void AtomicFile::rename_into_place() {
  check_final_name("renaming to");
  link_in();
  rename_linked_into_place();
}

bool AtomicFile::exchange_into_place() {
  // ENOENT: nothing to replace; EINVAL: the filesystem cannot exchange.
  if (::renameat2(dir_fd_, temp_name_.c_str(), dir_fd_, base_.c_str(), RENAME_EXCHANGE) != 0) {
    if (errno == ENOENT || errno == EINVAL || errno == ENOSYS) return false;
    throw_write_error(errno, "renaming to " + final_path_);
  }
  // An exchange, unlike a rename, also swaps a file with a directory: put
  // the directory back and fail as rename would.
  struct stat st;
  if (::fstatat(dir_fd_, temp_name_.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
    ::renameat2(dir_fd_, temp_name_.c_str(), dir_fd_, base_.c_str(), RENAME_EXCHANGE);
    throw_write_error(EISDIR, "renaming to " + final_path_);
  }
  return true;
}

int AtomicFile::drop_replaced() {
  // Held open, its unlink only drops the name; its blocks are freed at the
  // last close, which the caller makes in the background.
  int replaced = ::openat(dir_fd_, temp_name_.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  ::unlinkat(dir_fd_, temp_name_.c_str(), 0);
  committed_ = true;
  return replaced;
}

void AtomicFile::rename_pair_into_place(AtomicFile& first, AtomicFile& second) {
  first.check_final_name("renaming to");
  second.check_final_name("renaming to");
  first.link_in();
  second.link_in();
  // Exchange instead of replace, so that the replaced file survives (under
  // first's temporary name) until the second rename has succeeded.
  bool first_exchanged = first.exchange_into_place();
  if (!first_exchanged) first.rename_linked_into_place();
  // The second is exchanged too, only so that its replaced file is freed
  // in the background like the first's.
  bool second_exchanged = false;
  try {
    second_exchanged = second.exchange_into_place();
    if (!second_exchanged) second.rename_linked_into_place();
  } catch (const WriteError&) {
    if (first_exchanged) {
      // The old file back under the final name; the new one, now under the
      // temporary name, goes with `first` (still uncommitted).
      ::renameat2(first.dir_fd_, first.temp_name_.c_str(), first.dir_fd_, first.base_.c_str(), RENAME_EXCHANGE);
    } else {
      ::unlinkat(first.dir_fd_, first.base_.c_str(), 0);
    }
    throw;
  }
  std::vector<int> replaced;
  for (auto [file, exchanged] : {std::pair{&first, first_exchanged}, std::pair{&second, second_exchanged}}) {
    if (!exchanged) continue;
    int fd = file->drop_replaced();
    if (fd >= 0) replaced.push_back(fd);
  }
  close_in_background(std::move(replaced));
}

}  // namespace snappy
