// Builds NAME.info in memory (hosted). The capture code fills a Snapshot
// with records of common/snapshot_format.h; serialize_info() lays out the
// sections, fills the header and both checksums.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/atomic_file.h"
#include "common/snapshot_format.h"

namespace snappy {

struct Snapshot {
  uint64_t created_unix_ns = 0;
  uint64_t xcr0 = 0;
  uint32_t xsave_size = 0;
  uint32_t cpu_features[8] = {};
  uint64_t pages_id = 0;  // set by bind_pages_file
  std::vector<format::ProcessRecord> processes;
  std::vector<format::ThreadRecord> threads;
  std::vector<format::MappingRecord> mappings;
  std::vector<format::PageRunRecord> runs;
  std::vector<format::FileRecord> files;
  std::vector<format::FdRecord> fds;
  std::vector<format::SigactionRecord> sigactions;
  std::vector<format::OutputRecord> outputs;
  std::vector<uint8_t> blob;
  std::vector<format::TimerRecord> timers;
  // The learned working set: empty when recorded; snapfs/learned_info.cc
  // adds one to an existing NAME.info (tests build it here).
  std::vector<format::LearnedRunRecord> learned;
  uint32_t training_runs = 0;

  // Appends bytes to the blob, 8-aligned, and returns where they are.
  format::BlobRef add_blob(const void* data, size_t size);
  // Appends a string with its terminating NUL.
  format::BlobRef add_string(std::string_view s);
};

// Appends the PagesTrailer page to NAME.pages (its page data all written)
// with a fresh random id, stores the id in the snapshot, and returns the
// file's new size. Throws WriteError.
uint64_t bind_pages_file(AtomicFile& pages, Snapshot& snapshot);

// The complete NAME.info for a NAME.pages of `pages_size` bytes.
std::vector<uint8_t> serialize_info(const Snapshot& snapshot, uint64_t pages_size);

}  // namespace snappy
