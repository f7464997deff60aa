#include "ptracer/marker_scan.h"

#include <sys/uio.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "common/snapshot_format.h"
#include "ptracer/proc_maps.h"

namespace snappy {

bool memory_mentions(pid_t pid, std::string_view needle, uint64_t budget) {
  if (needle.empty()) return true;
  constexpr size_t kChunk = 1 << 20;
  std::vector<char> buf(kChunk + needle.size());
  for (const ProcMapsEntry& e : read_proc_maps(pid)) {
    if (!e.readable || e.path.starts_with("[vvar") || e.path == "[vsyscall]") continue;
    if (e.start >= format::kWindowStart && e.end <= format::kWindowEnd) continue;
    // Each chunk starts needle.size() - 1 bytes early so that a match
    // across chunks is found.
    size_t carry = 0;
    for (uint64_t at = e.start; at < e.end && budget > 0;) {
      size_t want = static_cast<size_t>(std::min<uint64_t>({kChunk, e.end - at, budget}));
      iovec local{buf.data() + carry, want};
      iovec remote{reinterpret_cast<void*>(at), want};
      ssize_t got = process_vm_readv(pid, &local, 1, &remote, 1, 0);
      if (got <= 0) {  // an unreadable page (a guard, a truncated file): next one
        carry = 0;
        at = (at & ~uint64_t{4095}) + 4096;
        continue;
      }
      size_t have = carry + static_cast<size_t>(got);
      if (memmem(buf.data(), have, needle.data(), needle.size())) return true;
      carry = std::min(have, needle.size() - 1);
      std::memmove(buf.data(), buf.data() + have - carry, carry);
      at += static_cast<uint64_t>(got);
      budget -= static_cast<uint64_t>(got);
    }
    if (budget == 0) break;
  }
  return false;
}

}  // namespace snappy
