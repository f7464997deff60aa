#include "common/atomic_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace snappy {

namespace {
[[noreturn]] void throw_write_error(int err, const std::string& what) {
  throw WriteError(err, std::generic_category(), what);
}
}  // namespace

AtomicFile::AtomicFile(std::string final_path) : final_path_(std::move(final_path)) {
  temp_path_ = final_path_ + ".tmp." + std::to_string(getpid());
  fd_ = ::open(temp_path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd_ < 0) throw_write_error(errno, "creating " + final_path_);
  // O_CREAT's mode is masked by umask; make 0600 certain for an old file.
  if (fchmod(fd_, 0600) != 0) {
    int err = errno;
    ::close(fd_);
    fd_ = -1;
    ::unlink(temp_path_.c_str());
    throw_write_error(err, "creating " + final_path_);
  }
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_path_.c_str());
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

void AtomicFile::rename_into_place() {
  if (::rename(temp_path_.c_str(), final_path_.c_str()) != 0) throw_write_error(errno, "renaming to " + final_path_);
  committed_ = true;
}

void AtomicFile::rename_pair_into_place(AtomicFile& first, AtomicFile& second) {
  // Exchange instead of replace, so that the replaced file survives (under
  // first's temporary name) until the second rename has succeeded. ENOENT:
  // nothing to replace; EINVAL: the filesystem cannot exchange.
  bool exchanged = ::renameat2(AT_FDCWD, first.temp_path_.c_str(), AT_FDCWD, first.final_path_.c_str(),
                               RENAME_EXCHANGE) == 0;
  if (!exchanged) {
    if (errno != ENOENT && errno != EINVAL && errno != ENOSYS) throw_write_error(errno, "renaming to " + first.final_path_);
    first.rename_into_place();
  }
  try {
    second.rename_into_place();
  } catch (const WriteError&) {
    if (exchanged) {
      // The old file back under the final name; the new one, now under the
      // temporary name, goes with `first` (still uncommitted).
      ::renameat2(AT_FDCWD, first.temp_path_.c_str(), AT_FDCWD, first.final_path_.c_str(), RENAME_EXCHANGE);
    } else {
      ::unlink(first.final_path_.c_str());
    }
    throw;
  }
  if (exchanged) {
    ::unlink(first.temp_path_.c_str());  // the replaced file
    first.committed_ = true;
  }
}

}  // namespace snappy
