// What snapinfo reports about a snapshot, as text (like /proc/PID/maps) or
// JSON: the process, its trigger, its mappings with where their pages come
// from, and the files it depends on with whether they still match.
#pragma once

#include <ostream>
#include <string>

#include "snapfs/snapshot_file.h"

namespace snappy {

// `snapinfo NAME` / `snapinfo maps NAME`.
void report_maps(const SnapshotFile& s, bool json, std::ostream& out);

// `snapinfo files NAME`: every backing file's recorded identity and whether
// it still matches (dev, ino, size, mtime, ctime; with `hash`, the content
// too).
// Returns the number of files that do not match.
int report_files(const SnapshotFile& s, bool hash, bool json, std::ostream& out);

// `snapinfo verify NAME`: every page run's checksum, that NAME.pages holds
// nothing but zeros outside its runs and trailer (no checksum covers those
// bytes, and restore maps them), and every file's identity and content (the
// info file's own checksums were checked when it was opened). Returns "" if
// all match, else the first mismatch.
std::string verify_snapshot(const SnapshotFile& s, std::ostream& progress);

// `openat(AT_FDCWD, "/etc/x", O_RDONLY|O_CLOEXEC) [--at]`: the trigger
// by libseccomp name, its arguments decoded (common/syscall_decode.h).
// Strings and sockaddrs are read from process `p`'s recorded memory when
// `s` is given (the program's memory as it was at the trigger), else
// pointers are shown as numbers.
std::string describe_trigger(const format::Trigger& t, const SnapshotFile* s = nullptr, uint32_t p = 0);

}  // namespace snappy
