// The tracer's model of the tracee's address space, built from the
// mmap/munmap/mprotect/mremap calls it saw (on top of a /proc/PID/maps
// snapshot of the loader's initial state). At capture it explains where
// each mapping came from and is cross-checked against /proc/PID/maps: a
// mapping the model cannot explain means a syscall changed the layout
// behind the model's back, and the snapshot is refused.
//
// Kernel facts the model relies on (mm/mmap.c, mm/mremap.c, Linux 6.x):
//  * lengths are rounded up to whole pages; addresses must be page-aligned
//    (the calls fail otherwise, and the handlers only apply successful ones
//    or ones that cannot partly fail).
//  * MAP_FIXED replaces whatever was mapped in the range; munmap and
//    mprotect split mappings that straddle the range's ends.
//  * a split keeps the file offset consistent: the part at start + d has
//    offset + d. The same holds for shared anonymous memory (it is a shmem
//    file: /proc shows "/dev/zero (deleted)" with the offset); for private
//    anonymous memory /proc shows offset 0 and the model ignores it.
//  * the kernel merges adjacent compatible mappings into one VMA and may
//    split a VMA the model keeps whole (madvise, mlock), so one maps entry
//    may span several model regions and vice versa.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ptracer/proc_maps.h"

namespace snappy {

struct Region {
  uint64_t start = 0, end = 0;  // [start, end), page-aligned
  int prot = 0;                 // PROT_READ | PROT_WRITE | PROT_EXEC
  bool shared = false;          // MAP_SHARED
  bool anonymous = true;        // no backing file (shared anonymous: shmem)
  // The backing file's path for file mappings; for seeded regions the
  // kernel's label ("[stack]", "[vdso]"); "" for anonymous memory the
  // model created.
  std::string path;
  uint64_t offset = 0;  // file offset of `start`

  uint64_t size() const { return end - start; }
  bool operator==(const Region&) const = default;
};

class MappingModel {
 public:
  static constexpr uint64_t kPageSize = 4096;

  // Forgets everything and starts from a /proc/PID/maps snapshot.
  void seed(const std::vector<ProcMapsEntry>& entries);

  // mmap with MAP_FIXED semantics: whatever overlaps the region goes.
  // The end is rounded up to a page.
  void map(Region region);
  // munmap: regions partly inside the range are split; holes are fine.
  void unmap(uint64_t addr, uint64_t len);
  // mprotect: sets prot on the mapped parts of the range, splitting.
  void protect(uint64_t addr, uint64_t len, int prot);
  // mremap that succeeded: the old range [old_addr, old_addr + old_len)
  // now lives at new_addr with new_len (moved, grown or shrunk; growth
  // extends the last region with continuing file offsets). old_len == 0
  // (duplicating a shared mapping) copies new_len bytes and keeps the old
  // range, as does MREMAP_DONTUNMAP (dont_unmap).
  void remap(uint64_t old_addr, uint64_t old_len, uint64_t new_len,
             uint64_t new_addr, bool dont_unmap = false);

  // All regions, sorted by address, non-overlapping.
  std::vector<Region> regions() const;
  // The region containing addr, or nullptr.
  const Region* find(uint64_t addr) const;

  // nullopt when the model covers [e.start, e.end) exactly with regions
  // consistent with the entry (prot, sharing, anonymity, file and file
  // offset); otherwise why not, e.g.
  //   "0x7f0000001000-0x7f0000002000: model has no mapping here"
  //   "0x7f0000000000-0x7f0000003000 (/usr/lib/libc.so.6): prot differs:
  //    model r-x, kernel rw-"
  std::optional<std::string> explain_mismatch(const ProcMapsEntry& e) const;

 private:
  // Splits the region containing addr (strictly inside) in two.
  void split_at(uint64_t addr);

  std::map<uint64_t, Region> regions_;  // keyed by start
};

}  // namespace snappy
