// What may be written at an output path. Checked before any work (through
// command_line.h's output_problem, so that nothing is run for an output
// that will be refused) and again when the output is opened (AtomicFile,
// OutputSink), since the directory may have changed in between. Hosted.
//
// Two kinds of output:
//  - a regular file, written through AtomicFile: created unnamed and renamed
//    over the final name when whole. What has the final name now is
//    replaced, never written into, and never followed if a symlink.
//  - a stream (for writers that write front to back: snapinfo core and
//    pack): "-" (standard output), /dev/stdout, /dev/stderr, /dev/fd/N,
//    /proc/self/fd/N (the descriptor itself), an existing character device
//    or FIFO, or a symlink of the caller's or root's to one. Written
//    through in order, never replaced: `-o /dev/null` stays /dev/null.
// Refused: a name another user owns in a sticky directory (/tmp: whoever
// planted it can plant it again, and root could replace it, which is the
// confusion to avoid); a device, FIFO or socket where only a regular file
// fits (a snapshot pair), a block device or socket anywhere.
#pragma once

#include <sys/stat.h>

#include <string>

namespace snappy {

// "owned by another user (uid N) in a sticky directory" when `entry` (the
// lstat of a name in the directory `dir`) belongs to someone other than the
// caller (root included) and `dir` is sticky; else "".
std::string foreign_in_sticky_dir(const struct stat& dir, const struct stat& entry);

// "a FIFO", "a character device", ... for what is neither a regular file,
// a directory nor a symlink; "" for those.
std::string special_file_kind(mode_t mode);

// Where a stream output writes (examine_output's answer).
struct StreamTarget {
  bool stream = false;  // false: a regular file, through AtomicFile
  int fd = -1;          // >= 0: the path names this descriptor of ours
  bool follow = false;  // the path is a symlink (ours or root's) to the stream
  dev_t dev = 0;        // otherwise the device or FIFO found (opened with
  ino_t ino = 0;        // O_NOFOLLOW, and must still be this one)
};

// Why nothing can be written at `path`, or "". With `streams`, the stream
// outputs above are accepted and described in `*target`.
std::string examine_output(const std::string& path, bool streams, StreamTarget* target);

// How messages name an output: "standard output" for "-", else the path.
std::string output_display_name(const std::string& path);

}  // namespace snappy
