// Per-mapping kernel flags that madvise, mlock and mmap set and that a
// mapping made anew at restore would not have: read from the VmFlags line
// of /proc/PID/smaps (proc(5)) into format::MappingFlags bits.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string_view>

namespace snappy {

// The MappingFlags bits for one VmFlags line's words ("rd wr mr ... wf").
uint32_t mapping_flags_from_vmflags(std::string_view words);

// Those bits for every mapping of `pid`, by start address. Throws
// std::system_error if smaps cannot be read.
std::map<uint64_t, uint32_t> read_mapping_flags(pid_t pid);

}  // namespace snappy
