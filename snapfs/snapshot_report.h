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

// "openat(0xffffff9c, 0x7f..., 0x80000)": the trigger by libseccomp name.
std::string describe_trigger(const format::Trigger& t);

}  // namespace snappy
