// A file that appears under its final name only when complete, and that no
// other user can predict, pre-create, open or redirect while it is written.
// The output's directory is opened once and everything is done relative to
// it. The file is created unnamed (O_TMPFILE, mode 0600: snapshots hold
// process memory) and given a name only at commit: linked in under a random
// name (linkat never follows or replaces what is there; a taken name is
// retried) and renamed over the final name (rename replaces a symlink, never
// follows it). Where the filesystem has no O_TMPFILE, it is created under a
// random name with O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600 from the start.
// Destroyed uncommitted, it leaves nothing: a failed write (a full disk)
// leaves whatever had the final name before untouched.
//
// The final name is refused (WriteError, before anything is written and
// again before the rename) when it belongs to another user in a sticky
// directory such as /tmp (whoever planted it could plant it again), or when
// it is a device, FIFO or socket: those are never replaced by a file.
#pragma once

#include <cstdint>
#include <string>
#include <system_error>

namespace snappy {

// Creating, writing, sizing, syncing or renaming an output file failed; the
// message is "<verb> FINAL_PATH: <strerror>", e.g. "writing
// /tmp/x.pages: No space left on device", or for a refusal its own line,
// e.g. "creating /tmp/x.pages: owned by another user (uid 65534) in a
// sticky directory". Its own type, so that code which tolerates failures to
// *read* (a mapping that cannot be read is left out) lets it through.
struct WriteError : std::system_error {
  using std::system_error::system_error;
  // A refusal worded as a whole line; `err` is its nearest errno.
  WriteError(std::string line, int err) : std::system_error(err, std::generic_category()), line_(std::move(line)) {}
  const char* what() const noexcept override { return line_.empty() ? std::system_error::what() : line_.c_str(); }

 private:
  std::string line_;
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
  // without its final name until rename_into_place(). Throws WriteError.
  void sync();
  // Starts writing [offset, offset + size) (size 0: to the end) back to
  // disk without waiting (sync_file_range SYNC_FILE_RANGE_WRITE), so that
  // a later sync() finds the data on its way: the disk works while the
  // caller does. Only a hint: errors are left to sync() to report.
  void start_writeback(uint64_t offset = 0, uint64_t size = 0);
  void rename_into_place();

  // Renames `first`, then `second` into place (both synced). If the second
  // rename fails, the first is undone: the file `first` replaced is put
  // back (renameat2 RENAME_EXCHANGE, where the filesystem has it) or, if
  // there was none, the new one removed, so a pair such as NAME.pages +
  // NAME.info is never left half new. The files they replace are freed by
  // a detached process (their last close can take tens of ms: discards).
  // Throws WriteError.
  static void rename_pair_into_place(AtomicFile& first, AtomicFile& second);

 private:
  // Gives the file its random temporary name in the directory (a no-op
  // for a file created named). Throws WriteError.
  void link_in();
  // Throws WriteError when the final name must not be replaced (above).
  void check_final_name(const char* verb) const;
  void rename_linked_into_place();
  // Exchanges the linked file with what has the final name now
  // (renameat2 RENAME_EXCHANGE), which then has the temporary name. False,
  // with nothing done, if nothing has the name or the filesystem cannot
  // exchange. A directory there is put back: WriteError (EISDIR), as a
  // rename would fail.
  bool exchange_into_place();
  // After an exchange: unlinks the replaced file from the temporary name
  // and returns an fd that holds it (-1 if it cannot be opened), whose
  // close frees its blocks. The file itself is then committed.
  int drop_replaced();

  std::string final_path_;
  std::string base_;       // the final name inside dir_fd_
  std::string temp_name_;  // the temporary name inside dir_fd_, "" while unnamed
  int dir_fd_ = -1;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace snappy
