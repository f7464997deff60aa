#include "snapfs/snapshot_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstddef>
#include <cstdio>
#include <utility>
#include <cstring>

#include "common/checksum.h"
#include "common/pages_binding.h"

namespace snappy {

using namespace format;

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& why) { throw SnapshotError(what + ": " + why); }

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

// This process's [vdso] mapping, from /proc/self/maps (its start is
// AT_SYSINFO_EHDR). {nullptr, 0} if there is none.
std::pair<const uint8_t*, uint64_t> own_vdso() {
  static const std::pair<const uint8_t*, uint64_t> vdso = [] {
    std::pair<const uint8_t*, uint64_t> found{nullptr, 0};
    if (FILE* maps = std::fopen("/proc/self/maps", "r")) {
      char line[512];
      while (std::fgets(line, sizeof(line), maps)) {
        unsigned long start, end;
        if (std::strstr(line, "[vdso]") && std::sscanf(line, "%lx-%lx", &start, &end) == 2) {
          found = {reinterpret_cast<const uint8_t*>(start), end - start};
        }
      }
      std::fclose(maps);
    }
    return found;
  }();
  return vdso;
}

}  // namespace

namespace {

}  // namespace

void SnapshotFile::read_info(const std::string& info_path) {
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

SnapshotFile::SnapshotFile(const std::string& name) : name_(name) {
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
  file_fds_.assign(view_.count(kFiles), -1);
}

SnapshotFile::~SnapshotFile() {
  if (pages_fd_ >= 0) ::close(pages_fd_);
  for (int fd : file_fds_) {
    if (fd >= 0) ::close(fd);
  }
}

int SnapshotFile::file_fd(uint32_t index) const {
  if (file_fds_[index] < 0) {
    // Mapped files are regular (InfoView checks the recorded mode); a FIFO
    // put at the path since must not hang a read of `mem` or `core`.
    struct stat st;
    file_fds_[index] = open_regular(view_.string(view_.file(index).path), &st);
  }
  return file_fds_[index];
}

const MappingRecord* SnapshotFile::mapping_at(uint32_t p, uint64_t address) const {
  const ProcessRecord& proc = view_.process(p);
  for (uint32_t i = 0; i < proc.mapping_count; ++i) {
    const MappingRecord& m = view_.mapping(proc.first_mapping + i);
    if (address >= m.start && address < m.end) return &m;
  }
  return nullptr;
}

void SnapshotFile::read_from_mapping(const MappingRecord& m, uint64_t address, uint8_t* out, uint64_t size) const {
  uint64_t delta = address - m.start;
  switch (m.base) {
    case kBaseZero:
    case kBaseVvar:
      std::memset(out, 0, size);
      break;
    case kBaseFile:
      pread_or_zero(file_fd(m.file_index), out, size, m.file_offset + delta, view_.string(view_.file(m.file_index).path));
      break;
    case kBasePages:
      pread_or_zero(pages_fd_, out, size, m.pages_offset + delta, name_ + ".pages");
      return;  // its runs are inside this very region of NAME.pages
    case kBaseVdso: {
      // Our own vDSO is the recorded one when it has the same size and its
      // bytes hash the same (a larger recorded size must not make us read
      // past our own mapping: fuzz/crashes/core_writer-vdso-larger-*).
      auto [own, own_size] = own_vdso();
      uint64_t length = m.end - m.start;
      if (own && own_size == length && checksum64(own, length) == m.checksum) {
        std::memcpy(out, own + delta, size);
      } else {
        std::memset(out, 0, size);
      }
      return;
    }
  }
  // Stored runs overlay the base.
  for (uint32_t r = 0; r < m.run_count; ++r) {
    const PageRunRecord& run = view_.run(m.first_run + r);
    uint64_t begin = std::max(address, run.start), end = std::min(address + size, run.start + run.size);
    if (begin >= end) continue;
    pread_or_zero(pages_fd_, out + (begin - address), end - begin, run.pages_offset + (begin - run.start), name_ + ".pages");
  }
}

bool SnapshotFile::read_memory(uint32_t p, uint64_t address, void* out, uint64_t size) const {
  auto* bytes = static_cast<uint8_t*>(out);
  while (size > 0) {
    const MappingRecord* m = mapping_at(p, address);
    if (!m || m->base == kBaseVvar) return false;
    uint64_t chunk = std::min(size, m->end - address);
    read_from_mapping(*m, address, bytes, chunk);
    bytes += chunk;
    address += chunk;
    size -= chunk;
  }
  return true;
}

}  // namespace snappy
