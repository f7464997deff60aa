// "Is this still the file the snapshot recorded?", answered once for
// restore (freestanding, from the kernel's struct stat) and snapinfo
// (hosted, from libc's): both fill a FileState and ask recorded_file_change.
#pragma once

#include <stdint.h>

#include "common/snapshot_format.h"

namespace snappy {

// What the check needs of a file's stat, in either world's terms.
struct FileState {
  uint64_t dev, ino;
  uint32_t mode;  // st_mode
  uint64_t size;
  uint64_t mtime_ns, ctime_ns;
};

enum class FileChange {
  kNone,      // still the recorded file
  kReplaced,  // another device or inode: another file at the path
  kType,      // kFileOfProcess: not even the recorded file type
  kSize,
  kMtime,
  // Written in place and its mtime set back (touch -d), or chmod, chown,
  // linked or renamed: ctime cannot be set back without privilege.
  kCtime,
};

// How the file now described by `now` differs from `f`, or kNone: the same
// device and inode and, unless it is known by identity alone, the same
// size, mtime and ctime. A directory's size and times change with its
// entries; a stateless device (/dev/urandom) and a file recorded with
// --may-change are known by their identity alone. The instance's own /proc
// file (kFileOfProcess) is not the recorded inode: only its type is
// compared. Content (FileRecord.content_hash) is the caller's to check.
FileChange recorded_file_change(const format::FileRecord& f, const FileState& now);

}  // namespace snappy
