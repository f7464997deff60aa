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

namespace snappy {

using namespace format;

namespace {

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

SnapshotFile::SnapshotFile(const std::string& name) : SnapshotPair(name) {
  file_fds_.assign(view().count(kFiles), -1);
}

SnapshotFile::~SnapshotFile() {
  for (int fd : file_fds_) {
    if (fd >= 0) ::close(fd);
  }
}

int SnapshotFile::file_fd(uint32_t index) const {
  if (file_fds_[index] < 0) {
    // Mapped files are regular (InfoView checks the recorded mode); a FIFO
    // put at the path since must not hang a read of `mem` or `core`.
    struct stat st;
    file_fds_[index] = open_regular(view().string(view().file(index).path), &st);
  }
  return file_fds_[index];
}

const MappingRecord* SnapshotFile::mapping_at(uint32_t p, uint64_t address) const {
  const ProcessRecord& proc = view().process(p);
  for (uint32_t i = 0; i < proc.mapping_count; ++i) {
    const MappingRecord& m = view().mapping(proc.first_mapping + i);
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
      pread_or_zero(file_fd(m.file_index), out, size, m.file_offset + delta, view().string(view().file(m.file_index).path));
      break;
    case kBasePages:
      pread_or_zero(pages_fd(), out, size, m.pages_offset + delta, name() + ".pages");
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
    const PageRunRecord& run = view().run(m.first_run + r);
    uint64_t begin = std::max(address, run.start), end = std::min(address + size, run.start + run.size);
    if (begin >= end) continue;
    pread_or_zero(pages_fd(), out + (begin - address), end - begin, run.pages_offset + (begin - run.start), name() + ".pages");
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
