#include "common/snapshot_pair.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "common/pages_binding.h"

namespace snappy {

using namespace format;

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& why) { throw SnapshotError(what + ": " + why); }

}  // namespace

// All of [offset, offset + size) of fd, zeros past its end (a mapping may
// reach past the end of its file).
void pread_or_zero(int fd, uint8_t* out, uint64_t size, uint64_t offset, const std::string& what) {
  while (size > 0) {
    ssize_t n = ::pread(fd, out, size, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(what, std::strerror(errno));
    }
    if (n == 0) {
      std::memset(out, 0, size);
      return;
    }
    out += n;
    size -= static_cast<uint64_t>(n);
    offset += static_cast<uint64_t>(n);
  }
}

// Opens a snapshot or backing file for reading; throws unless it is a
// regular file.
// O_NONBLOCK so that a FIFO (or a device) in its place is refused instead
// of blocking open() for a writer that never comes; cleared once we know.
int open_regular(const std::string& path, struct stat* st) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) fail(path, std::strerror(errno));
  if (::fstat(fd, st) != 0 || !S_ISREG(st->st_mode) || ::fcntl(fd, F_SETFL, O_RDONLY) != 0) {
    ::close(fd);
    fail(path, "not a regular file");
  }
  return fd;
}

void SnapshotPair::read_info(const std::string& info_path) {
  struct stat st;
  int fd = open_regular(info_path, &st);
  if (static_cast<uint64_t>(st.st_size) > kMaxInfoSize) {
    ::close(fd);
    fail(info_path, "info file too large");
  }
  info_.resize(static_cast<size_t>(st.st_size));
  try {
    pread_or_zero(fd, info_.data(), info_.size(), 0, info_path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

SnapshotPair::SnapshotPair(const std::string& name) : name_(name) {
  std::string info_path = name + ".info", pages_path = name + ".pages";
  struct stat st;
  // NAME.info, then NAME.pages; a pair from two recordings is read again a
  // few times (as restore does) before it is refused below.
  constexpr int kTries = 6;
  constexpr long kPauseNs[kTries] = {0, 1000000, 10000000, 50000000, 200000000, 0};
  for (int attempt = 0;; ++attempt) {
    read_info(info_path);
    pages_fd_ = open_regular(pages_path, &st);
    if (attempt == kTries - 1 || !pair_from_two_recordings(info_.data(), info_.size(), pages_fd_, static_cast<uint64_t>(st.st_size))) break;
    ::close(pages_fd_);
    pages_fd_ = -1;
    struct timespec pause = {0, kPauseNs[attempt]};
    if (pause.tv_nsec) ::nanosleep(&pause, nullptr);
  }
  // A constructor that throws runs no destructor: close the pages file on
  // the way out (fuzz/crashes/core_writer-fd-leak-on-refused-snapshot).
  try {
    InfoError error;
    if (!view_.open(info_.data(), info_.size(), static_cast<uint64_t>(st.st_size), &error)) {
      // The value in hex, as restore prints it: the same refusal reads the
      // same in every tool, and most values are addresses or offsets.
      std::string why = error.what;
      if (error.has_value) {
        char value[24];
        std::snprintf(value, sizeof(value), " (0x%" PRIx64 ")", error.value);
        why += value;
      }
      fail(info_path, why);
    }
    // NAME.pages must be the one written with this NAME.info.
    if (uint64_t id = view_.header().pages_id) {
      if (!pages_trailer_matches(pages_fd_, static_cast<uint64_t>(st.st_size), id)) {
        fail(pages_path, "belongs to another snapshot than its .info (NAME.info and NAME.pages do not match)");
      }
    }
  } catch (...) {
    ::close(pages_fd_);
    pages_fd_ = -1;
    throw;
  }
}

SnapshotPair::~SnapshotPair() {
  if (pages_fd_ >= 0) ::close(pages_fd_);
}

}  // namespace snappy
