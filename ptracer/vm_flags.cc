#include "ptracer/vm_flags.h"

#include <cctype>
#include <cstdlib>
#include <sstream>
#include <string>

#include "common/snapshot_format.h"
#include "ptracer/proc_files.h"

namespace snappy {

uint32_t mapping_flags_from_vmflags(std::string_view words) {
  // The two-letter mnemonics of fs/proc/task_mmu.c show_smap_vma_flags().
  struct Word {
    const char* name;
    uint32_t bit;
  };
  static constexpr Word kWords[] = {
      {"dc", format::kMappingDontFork},   {"wf", format::kMappingWipeOnFork},
      {"dd", format::kMappingDontDump},   {"hg", format::kMappingHugePage},
      {"nh", format::kMappingNoHugePage}, {"mg", format::kMappingMergeable},
      {"sr", format::kMappingSequential}, {"rr", format::kMappingRandom},
      {"lo", format::kMappingLocked},     {"nr", format::kMappingNoReserve},
  };
  uint32_t bits = 0;
  size_t i = 0;
  while (i < words.size()) {
    while (i < words.size() && words[i] == ' ') ++i;
    size_t j = i;
    while (j < words.size() && words[j] != ' ') ++j;
    std::string_view w = words.substr(i, j - i);
    for (const Word& k : kWords) {
      if (w == k.name) bits |= k.bit;
    }
    i = j;
  }
  return bits;
}

std::map<uint64_t, uint32_t> read_mapping_flags(pid_t pid) {
  std::map<uint64_t, uint32_t> out;
  std::istringstream in(read_text(proc_path(pid, "smaps")));
  std::string line;
  uint64_t current = 0;
  while (std::getline(in, line)) {
    // A mapping's header line starts with its hex start address; the
    // field lines start with a capitalised name ("Rss:", "VmFlags:").
    if (!line.empty() && std::isxdigit(static_cast<unsigned char>(line[0])) &&
        line.find('-') < line.find(' ')) {
      current = std::strtoull(line.c_str(), nullptr, 16);
    } else if (line.rfind("VmFlags:", 0) == 0) {
      out[current] = mapping_flags_from_vmflags(std::string_view(line).substr(8));
    }
  }
  return out;
}

}  // namespace snappy
