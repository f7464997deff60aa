// One zstd-compressed file holding a snapshot, for storage and transfer, and
// back to the mappable pair, bit for bit (holes of NAME.pages stay holes).
//
// Layout: PackHeader, then one zstd stream (compressed with as many worker
// threads as cores) of: NAME.info's bytes, then for each data extent of
// NAME.pages (SEEK_DATA/SEEK_HOLE) a u64 offset, a u64 length and the bytes.
#pragma once

#include <cstdint>
#include <string>

namespace snappy {

struct PackHeader {
  char magic[8];  // "SNAPPACK"
  uint32_t version;
  uint32_t reserved;
  uint64_t info_size;
  uint64_t pages_size;  // apparent size of NAME.pages
  uint64_t extent_count;
};
static_assert(sizeof(PackHeader) == 40, "PackHeader layout");

// `progress`: print a progress bar on stderr (a terminal). `streams`:
// out_path may be a stream ("-", /dev/stdout, a character device, a FIFO),
// written through (common/output_sink.h); else only a regular file, which
// appears only when whole.
void pack_snapshot(const std::string& name, const std::string& out_path, bool progress, bool streams);
// Writes NAME.info and NAME.pages atomically (unnamed until whole, then
// renamed; common/atomic_file.h). in_path "-" is standard input.
void unpack_snapshot(const std::string& in_path, const std::string& name, bool progress);

}  // namespace snappy
