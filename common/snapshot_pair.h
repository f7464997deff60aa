// A snapshot's NAME.info and NAME.pages opened as one validated pair
// (hosted): NAME.info read and checked by the same InfoView restore uses,
// NAME.pages kept open and checked to be its pages (common/pages_binding.h),
// a pair from two recordings read again as restore does. What every hosted
// reader of the format needs: pack and unpack here, SnapshotFile
// (snapfs/snapshot_file.h), which adds the recorded memory, for inspection.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/info_reader.h"

namespace snappy {

// A snapshot that cannot be opened or read: the message names the file and
// the reason, for `tool: what: why` lines.
struct SnapshotError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class SnapshotPair {
 public:
  // Opens NAME.info and NAME.pages; throws SnapshotError.
  explicit SnapshotPair(const std::string& name);
  ~SnapshotPair();
  SnapshotPair(const SnapshotPair&) = delete;
  SnapshotPair& operator=(const SnapshotPair&) = delete;

  const std::string& name() const { return name_; }
  const InfoView& view() const { return view_; }
  const std::vector<uint8_t>& info_bytes() const { return info_; }
  int pages_fd() const { return pages_fd_; }

 private:
  // NAME.info into info_.
  void read_info(const std::string& info_path);

  std::string name_;
  std::vector<uint8_t> info_;
  InfoView view_;
  int pages_fd_ = -1;
};

// All of [offset, offset + size) of fd into `out`, zeros past its end (a
// mapping may reach past the end of its file); throws SnapshotError naming
// `what`.
void pread_or_zero(int fd, uint8_t* out, uint64_t size, uint64_t offset, const std::string& what);

// Opens a snapshot or backing file for reading; throws SnapshotError unless
// it is a regular file. O_NONBLOCK so that a FIFO (or a device) in its place
// is refused instead of blocking open() for a writer that never comes;
// cleared once we know.
int open_regular(const std::string& path, struct stat* st);

}  // namespace snappy
