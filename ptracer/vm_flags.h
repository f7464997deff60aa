// Per-mapping kernel flags that madvise, mlock and mmap set and that a
// mapping made anew at restore would not have: read from the VmFlags line
// of /proc/PID/smaps (proc(5)) into format::MappingFlags bits. The one
// parser of VmFlags: ptracer's capture (memory_capture.cc) and snap's
// (live_capture.cc) both read them here, with the words of
// common/mapping_flag_words.h.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string_view>

namespace snappy {

// One mapping's VmFlags line.
struct VmFlags {
  uint32_t mapping_flags = 0;  // format::MappingFlags of its words
  bool hugetlb = false;        // ht: hugetlbfs memory (snap's own class)
};

// The flags of one VmFlags line's words ("rd wr mr ... wf"), whole words
// only; words of no MappingFlags bit (rd, mr, ac, ...) are ignored.
VmFlags parse_vmflags(std::string_view words);
inline uint32_t mapping_flags_from_vmflags(std::string_view words) { return parse_vmflags(words).mapping_flags; }

// Those flags for every mapping of `pid`, by start address. Throws
// std::system_error if smaps cannot be read.
std::map<uint64_t, VmFlags> read_vmflags(pid_t pid);

}  // namespace snappy
