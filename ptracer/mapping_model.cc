#include "ptracer/mapping_model.h"

#include <sys/mman.h>

#include <algorithm>
#include <iterator>

#include "common/hex_text.h"

namespace snappy {
namespace {

constexpr int kProtMask = PROT_READ | PROT_WRITE | PROT_EXEC;
constexpr std::string_view kDeleted = " (deleted)";

uint64_t page_up(uint64_t len) {
  return (len + MappingModel::kPageSize - 1) & ~(MappingModel::kPageSize - 1);
}

std::string range(uint64_t start, uint64_t end) { return hex(start) + "-" + hex(end); }

std::string prot_string(int prot) {
  return {prot & PROT_READ ? 'r' : '-', prot & PROT_WRITE ? 'w' : '-',
          prot & PROT_EXEC ? 'x' : '-'};
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Whether the kernel's name for a file is the model's, or the model's with
// the " (deleted)" the kernel appends once the file is unlinked. Only the
// kernel's name is stripped: a file may really be called "x (deleted)"
// (and show as "x (deleted) (deleted)" when unlinked).
bool same_file_name(std::string_view model, std::string_view kernel) {
  return model == kernel ||
         (ends_with(kernel, kDeleted) && kernel.substr(0, kernel.size() - kDeleted.size()) == model);
}

// Whether the kernel shows the entry as memory with no file behind it.
// Shared anonymous memory is a shmem file the kernel names
// "/dev/zero (deleted)" (mm/shmem.c shmem_zero_setup). [vdso], [vvar],
// [vvar_vclock], [vsyscall] and [uprobes] are special mappings, not
// anonymous memory; the other bracketed names label anonymous memory
// ([heap], [stack], [anon:NAME], [anon_shmem:NAME]).
bool kernel_anonymous(const ProcMapsEntry& e) {
  if (e.path.empty()) return true;
  if (e.shared && e.path == "/dev/zero (deleted)") return true;
  if (e.path[0] != '[') return false;
  for (std::string_view special : {"[vdso]", "[vvar]", "[vvar_vclock]", "[vsyscall]", "[uprobes]"}) {
    if (e.path == special) return false;
  }
  return true;
}

// A region's file offset at addr (inside or at the end of the region).
uint64_t offset_at(const Region& r, uint64_t addr) { return r.offset + (addr - r.start); }

// Why the region r cannot be (part of) the kernel's entry e, or "".
std::string region_mismatch(const Region& r, const ProcMapsEntry& e) {
  if ((r.prot & kProtMask) != e.prot()) {
    return "prot differs: model " + prot_string(r.prot) + ", kernel " + prot_string(e.prot());
  }
  if (r.shared != e.shared) {
    return std::string("sharing differs: model ") + (r.shared ? "shared" : "private") +
           ", kernel " + (e.shared ? "shared" : "private");
  }
  bool e_anon = kernel_anonymous(e);
  if (r.anonymous != e_anon) {
    return std::string("model has ") + (r.anonymous ? "anonymous memory" : r.path) +
           ", kernel " + (e_anon ? "anonymous memory" : e.path);
  }
  if (!r.anonymous && !same_file_name(r.path, e.path)) {
    return "file differs: model " + r.path + ", kernel " + e.path;
  }
  // The kernel shows offset 0 for private anonymous memory.
  if (!r.anonymous || r.shared) {
    uint64_t at = std::max(r.start, e.start);
    uint64_t kernel_offset = e.offset + (at - e.start);
    if (offset_at(r, at) != kernel_offset) {
      return "file offset at " + hex(at) + " differs: model " + hex(offset_at(r, at)) +
             ", kernel " + hex(kernel_offset);
    }
  }
  return "";
}

}  // namespace

void MappingModel::seed(const std::vector<ProcMapsEntry>& entries) {
  regions_.clear();
  for (const ProcMapsEntry& e : entries) {
    map(Region{e.start, e.end, e.prot(), e.shared, kernel_anonymous(e), e.path, e.offset});
  }
}

void MappingModel::split_at(uint64_t addr) {
  auto it = regions_.upper_bound(addr);
  if (it == regions_.begin()) return;
  --it;
  Region& r = it->second;
  if (addr <= r.start || addr >= r.end) return;
  Region tail = r;
  tail.start = addr;
  tail.offset = offset_at(r, addr);
  r.end = addr;
  regions_.emplace(addr, std::move(tail));
}

void MappingModel::map(Region region) {
  region.end = region.start + page_up(region.end - region.start);
  if (region.end <= region.start) return;
  unmap(region.start, region.size());
  regions_.emplace(region.start, std::move(region));
}

void MappingModel::unmap(uint64_t addr, uint64_t len) {
  uint64_t end = addr + page_up(len);
  if (end <= addr) return;
  split_at(addr);
  split_at(end);
  regions_.erase(regions_.lower_bound(addr), regions_.lower_bound(end));
}

void MappingModel::protect(uint64_t addr, uint64_t len, int prot) {
  uint64_t end = addr + page_up(len);
  if (end <= addr) return;
  split_at(addr);
  split_at(end);
  // PROT_GROWSDOWN/PROT_GROWSUP only say how far the change reaches.
  for (auto it = regions_.lower_bound(addr); it != regions_.end() && it->first < end; ++it) {
    it->second.prot = prot & kProtMask;
  }
}

void MappingModel::remap(uint64_t old_addr, uint64_t old_len, uint64_t new_len,
                         uint64_t new_addr, bool dont_unmap) {
  old_len = page_up(old_len);
  new_len = page_up(new_len);
  bool keep_old = dont_unmap || old_len == 0;
  if (old_len == 0) old_len = new_len;  // duplicate: copy new_len bytes
  if (!keep_old && new_len < old_len) {
    // Shrinking unmaps the tail first (then moves what is left).
    unmap(old_addr + new_len, old_len - new_len);
    old_len = new_len;
  }
  uint64_t old_end = old_addr + old_len;
  split_at(old_addr);
  split_at(old_end);
  std::vector<Region> pieces;
  for (auto it = regions_.lower_bound(old_addr); it != regions_.end() && it->first < old_end;
       ++it) {
    pieces.push_back(it->second);
  }
  if (!keep_old) unmap(old_addr, old_len);
  if (pieces.empty()) return;
  // Growth extends the last region; its file offsets simply continue.
  uint64_t copied = 0;
  for (const Region& p : pieces) copied = p.end - old_addr;
  if (new_len > copied) pieces.back().end += new_len - copied;
  for (Region& p : pieces) {
    p.start = p.start - old_addr + new_addr;
    p.end = p.end - old_addr + new_addr;
    map(std::move(p));
  }
}

std::vector<Region> MappingModel::regions() const {
  std::vector<Region> out;
  out.reserve(regions_.size());
  for (const auto& [start, r] : regions_) out.push_back(r);
  return out;
}

const Region* MappingModel::find(uint64_t addr) const {
  auto it = regions_.upper_bound(addr);
  if (it == regions_.begin()) return nullptr;
  --it;
  return addr < it->second.end ? &it->second : nullptr;
}

std::optional<std::string> MappingModel::explain_mismatch(const ProcMapsEntry& e) const {
  std::string where = range(e.start, e.end);
  if (!e.path.empty()) where += " (" + e.path + ")";
  uint64_t pos = e.start;
  auto it = regions_.upper_bound(pos);
  if (it != regions_.begin() && std::prev(it)->second.end > pos) --it;
  // The main thread's [stack] is VM_GROWSDOWN: page faults below it grow
  // it with no syscall, so the kernel's entry may start below the model's.
  if (e.path == "[stack]" && it != regions_.end() && it->second.start > pos &&
      it->second.start < e.end && it->second.path == "[stack]") {
    pos = it->second.start;
  }
  while (pos < e.end) {
    if (it == regions_.end() || it->second.start > pos) {
      uint64_t gap_end = it == regions_.end() ? e.end : std::min(e.end, it->second.start);
      return range(pos, gap_end) + ": model has no mapping here";
    }
    if (std::string why = region_mismatch(it->second, e); !why.empty()) {
      return where + ": " + why;
    }
    pos = it->second.end;
    ++it;
  }
  return std::nullopt;
}

}  // namespace snappy
