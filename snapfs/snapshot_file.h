// A snapshot opened for inspection (hosted): the validated pair
// (common/snapshot_pair.h), the backing files kept open, and the recorded
// memory readable at virtual addresses, assembled from each mapping's base
// and its stored page runs as restore would map it.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/snapshot_pair.h"

namespace snappy {

class SnapshotFile : public SnapshotPair {
 public:
  // Opens NAME.info and NAME.pages; throws SnapshotError.
  explicit SnapshotFile(const std::string& name);
  ~SnapshotFile();
  SnapshotFile(const SnapshotFile&) = delete;
  SnapshotFile& operator=(const SnapshotFile&) = delete;

  // The mapping of process `p` that contains `address`, or nullptr.
  const format::MappingRecord* mapping_at(uint32_t p, uint64_t address) const;

  // Reads recorded memory of process `p` at [address, address + size) into
  // `out`: stored runs from NAME.pages, the rest from the mapping's base
  // (zero, the backing file, or NAME.pages). The range must lie inside
  // mappings; returns false (like EIO from /proc/PID/mem) if any byte does
  // not, or for the kernel's vvar pages. The vDSO's bytes are not stored:
  // they are this machine's own vDSO when its hash matches, else zeros.
  // Throws SnapshotError when a file cannot be read (it vanished, say).
  bool read_memory(uint32_t p, uint64_t address, void* out, uint64_t size) const;

 private:
  void read_from_mapping(const format::MappingRecord& m, uint64_t address, uint8_t* out, uint64_t size) const;
  int file_fd(uint32_t index) const;

  mutable std::vector<int> file_fds_;  // opened on first use, -1 until then
};

}  // namespace snappy
