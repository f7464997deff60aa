// A file that appears under its final name only when complete: written to a
// temporary name in the same directory (mode 0600, since snapshots hold
// process memory), fsync'd, then renamed. Destroyed uncommitted, it removes
// the temporary file.
#pragma once

#include <cstdint>
#include <string>

namespace snappy {

class AtomicFile {
 public:
  explicit AtomicFile(std::string final_path);  // throws std::system_error
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  int fd() const { return fd_; }
  const std::string& path() const { return final_path_; }
  // Writes all of [data, data + size) at `offset`.
  void pwrite_all(const void* data, size_t size, uint64_t offset);
  // Sets the file's size (extends with a hole).
  void truncate(uint64_t size);
  // fsync; the file stays under its temporary name until rename_into_place().
  void sync();
  void rename_into_place();

 private:
  std::string final_path_;
  std::string temp_path_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace snappy
