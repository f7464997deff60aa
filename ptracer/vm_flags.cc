#include "ptracer/vm_flags.h"

#include <cctype>
#include <cstdlib>
#include <sstream>
#include <string>

#include "common/mapping_flag_words.h"
#include "ptracer/proc_files.h"

namespace snappy {

VmFlags parse_vmflags(std::string_view words) {
  VmFlags out;
  size_t i = 0;
  while (i < words.size()) {
    while (i < words.size() && words[i] == ' ') ++i;
    size_t j = i;
    while (j < words.size() && words[j] != ' ') ++j;
    std::string_view w = words.substr(i, j - i);
    for (const format::MappingFlagWord& k : format::kMappingFlagWords) {
      if (w == k.name) out.mapping_flags |= k.bit;
    }
    if (w == "ht") out.hugetlb = true;
    i = j;
  }
  return out;
}

std::map<uint64_t, VmFlags> read_vmflags(pid_t pid) {
  std::map<uint64_t, VmFlags> out;
  std::istringstream in(read_text(proc_path(pid, "smaps")));
  std::string line;
  uint64_t current = 0;
  while (std::getline(in, line)) {
    // A mapping's header line starts with its hex start address; the
    // field lines start with a capitalised name ("Rss:", "VmFlags:"),
    // some of them a hex letter ("AnonHugePages:"), but with no '-'
    // before the first space.
    if (!line.empty() && std::isxdigit(static_cast<unsigned char>(line[0])) &&
        line.find('-') < line.find(' ')) {
      current = std::strtoull(line.c_str(), nullptr, 16);
      out[current];
    } else if (line.starts_with("VmFlags:")) {
      out[current] = parse_vmflags(std::string_view(line).substr(8));
    }
  }
  return out;
}

}  // namespace snappy
