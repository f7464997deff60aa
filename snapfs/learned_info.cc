#include "snapfs/learned_info.h"

#include <cstddef>
#include <cstring>

#include "common/atomic_file.h"
#include "common/checksum.h"

namespace snappy {

using namespace format;

LearnedSet LearnedSet::from_view(const InfoView& view) {
  LearnedSet set;
  for (uint32_t i = 0; i < view.count(kLearnedRuns); ++i) {
    const LearnedRunRecord& r = view.learned(i);  // checked inside its mapping
    const MappingRecord& m = view.mapping(r.mapping);
    std::vector<PageUse>& pages = set.pages[r.mapping];
    pages.resize((m.end - m.start) / kPageSize, PageUse::kUntouched);
    PageUse use = r.kind == kLearnedWrite ? PageUse::kWritten : PageUse::kRead;
    for (uint64_t p = r.first_page; p < r.first_page + r.page_count; ++p) pages[p] = use;
  }
  return set;
}

void LearnedSet::merge(const LearnedSet& other) {
  for (const auto& [mapping, theirs] : other.pages) {
    std::vector<PageUse>& mine = pages[mapping];
    if (mine.size() < theirs.size()) mine.resize(theirs.size(), PageUse::kUntouched);
    for (size_t p = 0; p < theirs.size(); ++p) {
      if (theirs[p] > mine[p]) mine[p] = theirs[p];
    }
  }
}

uint64_t LearnedSet::count(PageUse use) const {
  uint64_t n = 0;
  for (const auto& [mapping, uses] : pages) {
    for (PageUse u : uses) n += u == use;
  }
  return n;
}

std::vector<LearnedRunRecord> LearnedSet::runs() const {
  std::vector<LearnedRunRecord> out;
  for (const auto& [mapping, uses] : pages) {  // std::map: by mapping index
    for (size_t p = 0; p < uses.size();) {
      if (uses[p] == PageUse::kUntouched) {
        ++p;
        continue;
      }
      size_t end = p;
      while (end < uses.size() && uses[end] == uses[p]) ++end;
      uint32_t kind = uses[p] == PageUse::kWritten ? kLearnedWrite : kLearnedRead;
      out.push_back({mapping, kind, p, end - p});
      p = end;
    }
  }
  return out;
}

std::vector<uint8_t> info_with_learned_set(const std::vector<uint8_t>& info, const std::vector<LearnedRunRecord>& runs,
                                           uint32_t training_runs) {
  Header header;
  std::memcpy(&header, info.data(), sizeof(header));
  // The writer puts the learned section last, so an earlier set is cut
  // off; one placed elsewhere (another writer) stays as unreferenced bytes.
  std::vector<uint8_t> out = info;
  const SectionRef& old = header.sections[kLearnedRuns];
  if (old.count && old.offset + uint64_t(old.count) * sizeof(LearnedRunRecord) == out.size()) out.resize(old.offset);
  out.resize((out.size() + 7) & ~size_t{7});
  header.sections[kLearnedRuns] = {out.size(), static_cast<uint32_t>(runs.size()), sizeof(LearnedRunRecord)};
  const auto* bytes = reinterpret_cast<const uint8_t*>(runs.data());
  out.insert(out.end(), bytes, bytes + runs.size() * sizeof(LearnedRunRecord));
  header.training_runs = runs.empty() ? 0 : training_runs;
  header.learned_pages_id = header.training_runs ? header.pages_id : 0;
  header.info_size = out.size();
  header.body_checksum = checksum64(out.data() + sizeof(Header), out.size() - sizeof(Header));
  header.header_checksum = checksum64(&header, offsetof(Header, header_checksum));
  std::memcpy(out.data(), &header, sizeof(header));
  return out;
}

void replace_info(AtomicFile& file, const std::vector<uint8_t>& bytes) {
  file.pwrite_all(bytes.data(), bytes.size(), 0);
  file.sync();
  file.rename_into_place();
}

}  // namespace snappy
