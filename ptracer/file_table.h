// The files a snapshot depends on (mapped or open), each once, with the
// identity restore checks: device, inode, size, mtime, ctime, and an xxh3-64
// of the whole content.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/snapshot_writer.h"
#include "ptracer/content_hasher.h"

namespace snappy {

// Character devices without state that restore can simply reopen by path
// (/dev/null, /dev/zero, /dev/full, /dev/random, /dev/urandom).
bool is_stateless_device(const std::string& path);
// Whether `fd` is on /proc, sysfs or a cgroup filesystem: files the kernel
// makes up as they are read.
bool on_kernel_filesystem(int fd);

class FileTable {
 public:
  // `may_change`: paths (exact, or a directory prefix ending in '/') whose
  // content, size, mtime and ctime restore will not check (ptracer --may-change).
  explicit FileTable(Snapshot& snapshot, std::vector<std::string> may_change = {})
      : snapshot_(snapshot), may_change_(std::move(may_change)) {}
  // The index in snapshot.files of `path`, adding it (stat + content hash)
  // the first time. `expect_dev`/`expect_ino` (when non-zero) must match
  // the file found at `path`, else std::runtime_error: the file changed
  // under the process.
  uint32_t intern(const std::string& path, uint64_t expect_dev = 0, uint64_t expect_ino = 0) {
    return add(path, expect_dev, expect_ino, false);
  }
  // The same for a file held open by an fd, which may also be a directory
  // or a stateless device (is_stateless_device).
  uint32_t intern_open(const std::string& path) { return add(path, 0, 0, true); }
  // The same for a file of process `pid`'s own /proc directory (`path` is
  // /proc/PID/... as /proc/PID/fd/N names it): stored as /proc/self/... or
  // /proc/thread-self/... (format::kFileOfProcess), which each restored
  // instance opens as its own. nullopt if `path` is not under /proc/PID;
  // std::runtime_error for a file of another thread's task directory
  // (the instance's thread ids are not known when recording).
  std::optional<uint32_t> intern_of_process(const std::string& path, pid_t pid);
  // From here on, contents are hashed on a worker thread (ContentHasher):
  // content_hash and size are filled in, and a file that changed size
  // while hashed is reported, only by finish(), which must then be called
  // before the snapshot is written.
  void hash_in_background() { background_ = true; }
  void finish() { hasher_.finish(snapshot_); }

 private:
  uint32_t add(const std::string& path, uint64_t expect_dev, uint64_t expect_ino, bool open_fd);
  bool may_change(const std::string& path) const;

  Snapshot& snapshot_;
  std::vector<std::string> may_change_;
  std::map<std::string, uint32_t> index_;
  bool background_ = false;
  ContentHasher hasher_;
};

}  // namespace snappy
