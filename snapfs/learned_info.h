// The learned working set of a snapshot (format::LearnedRunRecord), as
// `snapinfo learn` builds it and stores it (hosted). A set is, per mapping,
// each page's state: untouched, read, or written (a written page was also
// read: write wins a union). NAME.info is rewritten with the set as its
// last section, atomically (common/atomic_file.h); NAME.pages is never
// touched, and the set is bound to it by Header.learned_pages_id.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/atomic_file.h"
#include "common/info_reader.h"

namespace snappy {

enum class PageUse : uint8_t { kUntouched = 0, kRead = 1, kWritten = 2 };

struct LearnedSet {
  // mapping index (into the mappings section) -> one PageUse per page
  std::map<uint32_t, std::vector<PageUse>> pages;

  // The set NAME.info holds now (empty when nothing was learned).
  static LearnedSet from_view(const InfoView& view);
  // Union: a page written in either is written, read in either is read.
  void merge(const LearnedSet& other);
  // Pages of each kind.
  uint64_t count(PageUse use) const;
  // The sorted, non-overlapping runs the reader accepts.
  std::vector<format::LearnedRunRecord> runs() const;
};

// `info` (a NAME.info InfoView accepted) with its learned section replaced
// by `runs`, trained `training_runs` times, both checksums made again.
std::vector<uint8_t> info_with_learned_set(const std::vector<uint8_t>& info,
                                           const std::vector<format::LearnedRunRecord>& runs,
                                           uint32_t training_runs);

// Writes `bytes` into `info` (an AtomicFile for NAME.info, made before the
// training run so that a name that must not be replaced is refused before
// any work), synced and renamed into place. Throws WriteError.
void replace_info(AtomicFile& info, const std::vector<uint8_t>& bytes);

}  // namespace snappy
