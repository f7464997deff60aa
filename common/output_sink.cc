#include "common/output_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/output_path.h"

namespace snappy {

namespace {

[[noreturn]] void throw_write_error(int err, const std::string& what) {
  throw WriteError(err, std::generic_category(), what);
}

}  // namespace

OutputSink::OutputSink(const std::string& path, bool streams) : name_(output_display_name(path)) {
  StreamTarget target;
  if (streams) {
    std::string why = examine_output(path, true, &target);
    if (!why.empty()) throw WriteError("creating " + name_ + ": " + why, EPERM);
  }
  if (!target.stream) {
    file_ = std::make_unique<AtomicFile>(path);
    return;
  }
  if (target.fd >= 0) {
    fd_ = target.fd;  // ours already: written through, left open
    return;
  }
  // No O_CREAT, no O_TRUNC: this opens what is there and changes nothing
  // of it; O_NOFOLLOW unless the path was the caller's (or root's) own
  // symlink to the stream.
  fd_ = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC | (target.follow ? 0 : O_NOFOLLOW));
  if (fd_ < 0) throw_write_error(errno, "creating " + name_);
  close_fd_ = true;
  struct stat st;
  if (::fstat(fd_, &st) != 0) {
    int err = errno;
    ::close(fd_);
    throw_write_error(err, "creating " + name_);
  }
  if (st.st_dev != target.dev || st.st_ino != target.ino) {
    ::close(fd_);
    throw WriteError("creating " + name_ + ": replaced while being opened", EAGAIN);
  }
}

OutputSink::~OutputSink() {
  if (close_fd_ && fd_ >= 0) ::close(fd_);
}

void OutputSink::write(const void* data, size_t size) {
  if (file_) {
    file_->pwrite_all(data, size, at_);
    at_ += size;
    return;
  }
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd_, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_write_error(errno, "writing " + name_);
    }
    if (n == 0) throw_write_error(ENOSPC, "writing " + name_);
    p += n;
    size -= static_cast<size_t>(n);
    at_ += static_cast<uint64_t>(n);
  }
}

void OutputSink::skip(uint64_t size) {
  if (file_) {
    at_ += size;
    return;
  }
  static const char zeros[1 << 16] = {};
  while (size > 0) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(size, sizeof(zeros)));
    write(zeros, n);
    size -= n;
  }
}

void OutputSink::commit() {
  if (file_) {
    file_->truncate(at_);
    file_->sync();
    file_->rename_into_place();
    return;
  }
  // A stream that is a file after all (`-o - >file`) reports a delayed
  // full disk here; a pipe, a terminal or /dev/null cannot be synced.
  if (::fsync(fd_) != 0 && errno != EINVAL && errno != EROFS && errno != ENOTSUP && errno != EBADF) {
    throw_write_error(errno, "writing " + name_);
  }
  if (close_fd_) {
    close_fd_ = false;
    if (::close(fd_) != 0 && errno != EINTR) throw_write_error(errno, "writing " + name_);
  }
}

}  // namespace snappy
