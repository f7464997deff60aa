// A file that appears under its final name only when complete: written to a
// temporary name in the same directory (mode 0600, since snapshots hold
// process memory), fsync'd, then renamed. Destroyed uncommitted, it removes
// the temporary file: a failed write (a full disk) leaves nothing behind and
// whatever had the final name before untouched.
#pragma once

#include <cstdint>
#include <string>
#include <system_error>

namespace snappy {

// Creating, writing, sizing, syncing or renaming an output file failed; the
// message is "<verb> FINAL_PATH: <strerror>", e.g. "writing
// /tmp/x.pages: No space left on device". Its own type, so that code which
// tolerates failures to *read* (a mapping that cannot be read is left out)
// lets it through.
struct WriteError : std::system_error {
  using std::system_error::system_error;
};

class AtomicFile {
 public:
  explicit AtomicFile(std::string final_path);  // throws WriteError
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  int fd() const { return fd_; }
  const std::string& path() const { return final_path_; }
  // Writes all of [data, data + size) at `offset`. Throws WriteError.
  void pwrite_all(const void* data, size_t size, uint64_t offset);
  // Sets the file's size (extends with a hole). Throws WriteError.
  void truncate(uint64_t size);
  // fsync (where a delayed allocation reports a full disk); the file stays
  // under its temporary name until rename_into_place(). Throws WriteError.
  void sync();
  void rename_into_place();

  // Renames `first`, then `second` into place (both synced). If the second
  // rename fails, the first is undone: the file `first` replaced is put
  // back (renameat2 RENAME_EXCHANGE, where the filesystem has it) or, if
  // there was none, the new one removed, so a pair such as NAME.pages +
  // NAME.info is never left half new. Throws WriteError.
  static void rename_pair_into_place(AtomicFile& first, AtomicFile& second);

 private:
  std::string final_path_;
  std::string temp_path_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace snappy
