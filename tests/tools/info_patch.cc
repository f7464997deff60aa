// info_patch NAME.info CHANGE: rewrites one field of a snapshot and fixes up
// both checksums, so the tests can check what restore (and every other
// reader) refuses beyond plain corruption. CHANGE is one of:
//   vdso            - the recorded vDSO hash (as if recorded on another kernel)
//   xcr0            - the recording CPU's XCR0 (as if recorded on another CPU)
//   live            - marks the process as taken from a live process by snap
//   pid1            - the recorded pid is 1 (a container's init; its thread 0
//                     has tid 1 too)
//   cpu             - claims the recording CPU had every CPUID.(7,0):EBX feature
//   version         - a format version this build does not know (kVersion + 1)
//   version=N       - format version N (version=1: a snapshot as the previous
//                     format's writer labelled it)
//   arch            - recorded for another architecture (EM_AARCH64)
//   run-outside     - the first page run starts at the end of NAME.pages
//   mapping-outside - the first NAME.pages-backed mapping starts at its end
//   path-outside    - the first file's path points past the blob section
//   content-hash    - the first content-hashed file's recorded hash is off by
//                     one bit (as if the file's bytes changed under the same
//                     size, mtime and ctime, which takes privilege)
//   output-outside  - the first replayed output's data points past the blob
//   file-outside    - the first file-backed mapping names a file index past
//                     the files section
//   section-outside - the mapping section claims one record more than fits
//   overlap         - the second mapping starts a page before the first ends
//   window          - the first mapping moved into restore's reserved window
//   anon-name       - the first private NAME.pages-backed mapping is named
//                     "[anon:patched]" (as PR_SET_VMA_ANON_NAME shows it)
//   learned-outside - the first learned run ends a page past its mapping
//   learned-overlap - the second learned run starts where the first does
//   learned-kind    - the first learned run has an unknown kind (3)
//   learned-readonly - the first learned run is made a write run in a
//                     mapping without PROT_WRITE (the first such mapping)
//   learned-stale   - the learned set claims other pages (learned_pages_id)
#include <cstdio>
#include <cstdlib>
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
    std::fprintf(stderr,
                 "usage: info_patch NAME.info vdso|xcr0|live|cpu|version|version=N|arch|run-outside|mapping-outside|"
                 "path-outside|content-hash|output-outside|file-outside|section-outside|overlap|window|anon-name|"
                 "learned-outside|learned-overlap|learned-kind|learned-readonly|learned-stale\n");
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
  auto* maps = reinterpret_cast<MappingRecord*>(section(kMappings));
  uint32_t map_count = header->sections[kMappings].count;
  auto need = [&](bool ok, const char* what) {
    if (!ok) {
      std::fprintf(stderr, "info_patch: %s: the snapshot has no %s\n", change.c_str(), what);
      std::exit(1);
    }
  };
  if (change == "cpu") {
    header->cpu_features[2] = ~0u;
  } else if (change == "xcr0") {
    header->xcr0 ^= 1ull << 62;
  } else if (change == "live") {
    reinterpret_cast<ProcessRecord*>(section(kProcesses))->flags |= kProcessLive;
  } else if (change == "pid1") {
    auto* p = reinterpret_cast<ProcessRecord*>(section(kProcesses));
    p->pid = 1;
    reinterpret_cast<ThreadRecord*>(section(kThreads))[p->first_thread].tid = 1;
  } else if (change == "version") {
    header->version = kVersion + 1;
  } else if (change.rfind("version=", 0) == 0) {
    header->version = uint32_t(std::strtoul(change.c_str() + 8, nullptr, 10));
  } else if (change == "arch") {
    header->arch = 183;  // EM_AARCH64
  } else if (change == "run-outside") {
    need(header->sections[kPageRuns].count > 0, "page run");
    reinterpret_cast<PageRunRecord*>(section(kPageRuns))[0].pages_offset = header->pages_size;
  } else if (change == "mapping-outside") {
    uint32_t i = 0;
    while (i < map_count && maps[i].base != kBasePages) ++i;
    need(i < map_count, "mapping backed by NAME.pages");
    maps[i].pages_offset = header->pages_size;
  } else if (change == "path-outside") {
    need(header->sections[kFiles].count > 0, "backing file");
    reinterpret_cast<FileRecord*>(section(kFiles))[0].path.offset = header->sections[kBlob].count;
  } else if (change == "content-hash") {
    auto* files = reinterpret_cast<FileRecord*>(section(kFiles));
    uint32_t i = 0;
    while (i < header->sections[kFiles].count && !(files[i].flags & kFileContentHashed)) ++i;
    need(i < header->sections[kFiles].count, "content-hashed file");
    files[i].content_hash ^= 1;
  } else if (change == "output-outside") {
    need(header->sections[kOutputs].count > 0, "replayed output");
    reinterpret_cast<OutputRecord*>(section(kOutputs))[0].data.offset = header->sections[kBlob].count;
  } else if (change == "file-outside") {
    uint32_t i = 0;
    while (i < map_count && maps[i].base != kBaseFile) ++i;
    need(i < map_count, "file-backed mapping");
    maps[i].file_index = header->sections[kFiles].count;
  } else if (change == "section-outside") {
    // One record more than the bytes after the section's start can hold.
    header->sections[kMappings].count = uint32_t((header->info_size - header->sections[kMappings].offset) / sizeof(MappingRecord) + 1);
  } else if (change == "overlap") {
    need(map_count >= 2 && maps[0].end - maps[0].start >= kPageSize, "two mappings");
    maps[1].start = maps[0].end - kPageSize;
  } else if (change == "window") {
    need(map_count >= 1, "mapping");
    uint64_t size = maps[0].end - maps[0].start;
    maps[0].start = kWindowStart + 0x10000;
    maps[0].end = maps[0].start + size;
  } else if (change == "anon-name") {
    uint32_t i = 0;
    while (i < map_count && (maps[i].base != kBasePages || (maps[i].flags & kMappingShared))) ++i;
    need(i < map_count, "private mapping backed by NAME.pages");
    // The blob is the last section: the name goes at its end.
    static const char kName[] = "[anon:patched]";
    uint64_t blob_end = header->sections[kBlob].offset + header->sections[kBlob].count;
    MappingRecord& m = maps[i];
    m.name = BlobRef{header->sections[kBlob].count, sizeof kName};
    header->sections[kBlob].count += sizeof kName;
    bytes.resize(blob_end);
    bytes.insert(bytes.end(), kName, kName + sizeof kName);
    bytes.resize((bytes.size() + 7) & ~size_t{7});
    header = reinterpret_cast<Header*>(bytes.data());
    header->info_size = bytes.size();
  } else if (change.rfind("learned-", 0) == 0) {
    auto* runs = reinterpret_cast<LearnedRunRecord*>(section(kLearnedRuns));
    uint32_t run_count = header->sections[kLearnedRuns].count;
    need(run_count > 0, "learned working set");
    if (change == "learned-outside") {
      const MappingRecord& m = maps[runs[0].mapping];
      runs[0].page_count = (m.end - m.start) / kPageSize - runs[0].first_page + 1;
    } else if (change == "learned-overlap") {
      need(run_count >= 2, "second learned run");
      runs[1] = runs[0];
    } else if (change == "learned-kind") {
      runs[0].kind = 3;
    } else if (change == "learned-readonly") {
      uint32_t i = 0;
      while (i < map_count && (maps[i].prot & 2)) ++i;
      need(i < map_count, "mapping without PROT_WRITE");
      runs[0] = {i, kLearnedWrite, 0, 1};
      // Keep the order: the patched run stands alone.
      header->sections[kLearnedRuns].count = 1;
    } else if (change == "learned-stale") {
      header->learned_pages_id ^= 1;
    } else {
      std::fprintf(stderr, "info_patch: unknown change '%s'\n", change.c_str());
      return 2;
    }
  } else if (change == "vdso") {
    bool found = false;
    for (uint32_t i = 0; i < map_count; ++i) {
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
