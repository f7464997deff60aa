#include "common/recorded_file.h"

namespace snappy {

using namespace format;

FileChange recorded_file_change(const FileRecord& f, const FileState& now) {
  constexpr uint32_t kTypeMask = 0170000, kDirectory = 0040000, kCharDevice = 0020000;
  uint32_t type = f.mode & kTypeMask;
  if (f.flags & kFileOfProcess) return (now.mode & kTypeMask) == type ? FileChange::kNone : FileChange::kType;
  if (now.dev != f.dev || now.ino != f.ino) return FileChange::kReplaced;
  if (type == kDirectory || type == kCharDevice || (f.flags & kFileMayChange)) return FileChange::kNone;
  if (now.size != f.size) return FileChange::kSize;
  if (now.mtime_ns != f.mtime_ns) return FileChange::kMtime;
  if (now.ctime_ns != f.ctime_ns) return FileChange::kCtime;
  return FileChange::kNone;
}

}  // namespace snappy
