// The one parser of NAME.info, shared by restore (freestanding), snapinfo
// and the tests. open() checks everything a consumer relies on before it
// returns a view: magic, version, architecture, both checksums, that every
// section, index and blob reference lies inside the file, and that mappings
// and page runs are page-aligned, sorted, non-overlapping, inside user space
// but outside the restore window, and inside NAME.pages, and that each
// process's timers have distinct ids (sorted), known clocks and
// notifications, and name threads it has, and that the learned working set
// lies inside mappings restore can populate and belongs to these pages.
// After a successful
// open() the accessors need no further checks.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "common/snapshot_format.h"

namespace snappy {

// Why a snapshot was refused: a fixed message and the value that failed
// (an index, an offset, a number), for `tool: what: why` lines.
struct InfoError {
  const char* what = nullptr;
  uint64_t value = 0;
  bool has_value = false;
  // A message made up at run time, which `what` then points at: another
  // format version reads "recorded by format N, this build reads M". Not
  // copyable, so `what` cannot outlive the text it points into.
  char text[64];
  InfoError() = default;
  InfoError(const InfoError&) = delete;
  InfoError& operator=(const InfoError&) = delete;
};

class InfoView {
 public:
  // Validates `size` bytes at `data`, read from NAME.info, against a
  // NAME.pages of `pages_size` bytes. The bytes must outlive the view.
  bool open(const void* data, uint64_t size, uint64_t pages_size,
            InfoError* error);

  const format::Header& header() const { return *header_; }

  uint32_t count(format::Section s) const {
    return header_->sections[s].count;
  }
  const format::ProcessRecord& process(uint32_t i) const {
    return record<format::ProcessRecord>(format::kProcesses, i);
  }
  const format::ThreadRecord& thread(uint32_t i) const {
    return record<format::ThreadRecord>(format::kThreads, i);
  }
  const format::MappingRecord& mapping(uint32_t i) const {
    return record<format::MappingRecord>(format::kMappings, i);
  }
  const format::PageRunRecord& run(uint32_t i) const {
    return record<format::PageRunRecord>(format::kPageRuns, i);
  }
  const format::FileRecord& file(uint32_t i) const {
    return record<format::FileRecord>(format::kFiles, i);
  }
  const format::FdRecord& fd(uint32_t i) const {
    return record<format::FdRecord>(format::kFds, i);
  }
  const format::SigactionRecord& sigaction(uint32_t i) const {
    return record<format::SigactionRecord>(format::kSigactions, i);
  }
  const format::OutputRecord& output(uint32_t i) const {
    return record<format::OutputRecord>(format::kOutputs, i);
  }
  const format::TimerRecord& timer(uint32_t i) const {
    return record<format::TimerRecord>(format::kTimers, i);
  }
  const format::LearnedRunRecord& learned(uint32_t i) const {
    return record<format::LearnedRunRecord>(format::kLearnedRuns, i);
  }
  const uint8_t* blob(const format::BlobRef& ref) const {
    return data_ + header_->sections[format::kBlob].offset + ref.offset;
  }
  // A string blob; the writer stores strings with a terminating NUL.
  const char* string(const format::BlobRef& ref) const {
    return reinterpret_cast<const char*>(blob(ref));
  }

 private:
  template <typename T>
  const T& record(format::Section s, uint32_t i) const {
    return reinterpret_cast<const T*>(data_ + header_->sections[s].offset)[i];
  }
  bool check_sections(InfoError* error) const;
  bool check_process(const format::ProcessRecord& p, InfoError* error) const;
  bool check_mappings(const format::ProcessRecord& p, InfoError* error) const;
  bool check_timers(const format::ProcessRecord& p, InfoError* error) const;
  bool check_all_runs(InfoError* error) const;
  bool check_learned(InfoError* error) const;
  bool check_blob(const format::BlobRef& ref) const;
  bool check_string(const format::BlobRef& ref) const;

  const uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
  uint64_t pages_size_ = 0;
  const format::Header* header_ = nullptr;
};

}  // namespace snappy
