// /proc/PID/maps, parsed: the truth about a process's mappings at capture
// time (proc(5)).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace snappy {

struct ProcMapsEntry {
  uint64_t start = 0, end = 0;
  bool readable = false, writable = false, executable = false;
  bool shared = false;   // 's' rather than 'p'
  uint64_t offset = 0;
  uint32_t dev_major = 0, dev_minor = 0;
  uint64_t inode = 0;
  std::string path;      // "" for anonymous, "[stack]", "/usr/lib/...", may end " (deleted)"

  int prot() const;  // PROT_* bits
  bool is_file() const { return inode != 0 && !path.empty() && path[0] == '/'; }
  bool is_special() const { return !path.empty() && path[0] == '['; }  // [stack], [vdso], ...
};

// Throws std::runtime_error on a line it cannot parse.
std::vector<ProcMapsEntry> parse_proc_maps(std::string_view text);
// Reads and parses /proc/<pid>/maps; throws std::system_error.
std::vector<ProcMapsEntry> read_proc_maps(pid_t pid);

}  // namespace snappy
