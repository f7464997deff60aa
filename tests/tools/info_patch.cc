// info_patch NAME.info CHANGE: rewrites one field of a snapshot and fixes up
// both checksums, so the tests can check what restore refuses beyond plain
// corruption. CHANGE is one of:
//   vdso   - the recorded vDSO hash (as if recorded on another kernel)
//   xcr0   - the recording CPU's XCR0 (as if recorded on another CPU)
//   live   - marks the process as taken from a live process by snap
//   cpu    - claims the recording CPU had every CPUID.(7,0):EBX feature
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "common/checksum.h"
#include "common/info_reader.h"
#include "common/snapshot_format.h"

using namespace snappy;
using namespace snappy::format;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: info_patch NAME.info vdso|xcr0|live|cpu\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < sizeof(Header)) {
    std::fprintf(stderr, "info_patch: %s: too short\n", argv[1]);
    return 1;
  }
  auto* header = reinterpret_cast<Header*>(bytes.data());
  std::string change = argv[2];
  auto section = [&](Section s) { return bytes.data() + header->sections[s].offset; };
  if (change == "cpu") {
    header->cpu_features[2] = ~0u;
  } else if (change == "xcr0") {
    header->xcr0 ^= 1ull << 62;
  } else if (change == "live") {
    reinterpret_cast<ProcessRecord*>(section(kProcesses))->flags |= kProcessLive;
  } else if (change == "vdso") {
    auto* maps = reinterpret_cast<MappingRecord*>(section(kMappings));
    bool found = false;
    for (uint32_t i = 0; i < header->sections[kMappings].count; ++i) {
      if (maps[i].base == kBaseVdso) maps[i].checksum ^= 1, found = true;
    }
    if (!found) {
      std::fprintf(stderr, "info_patch: no vDSO mapping\n");
      return 1;
    }
  } else {
    std::fprintf(stderr, "info_patch: unknown change '%s'\n", change.c_str());
    return 2;
  }
  header->body_checksum = checksum64(bytes.data() + sizeof(Header), bytes.size() - sizeof(Header));
  header->header_checksum = checksum64(header, offsetof(Header, header_checksum));
  std::ofstream(argv[1], std::ios::binary | std::ios::trunc).write(reinterpret_cast<char*>(bytes.data()), long(bytes.size()));
  return 0;
}
