// A system call as a person reads it: `openat(AT_FDCWD, "/dev/shm/sem.x",
// O_RDWR|O_CREAT|O_EXCL, 0600)` rather than six registers. Used for the
// snapshot point in ptracer's summary line and -v log (with the live
// process at hand, so paths, sockaddrs and what an fd is are shown) and in
// snapinfo's `trigger:` line (only the stored registers: pointers stay
// numbers, flags and options still get their names).
//
// Hosted only. Decoding never fails: whatever cannot be read or named is
// shown as the number it is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace snappy {

// What the decoder may read from the process that made the call.
class DecodeSource {
 public:
  virtual ~DecodeSource() = default;
  // The NUL-terminated string at `address` (at most `max` bytes; longer
  // ones end without their NUL), or nullopt if it cannot be read.
  virtual std::optional<std::string> string_at(uint64_t address, size_t max) const = 0;
  // `size` bytes at `address`, or nullopt.
  virtual std::optional<std::vector<uint8_t>> bytes_at(uint64_t address, size_t size) const = 0;
  // What fd `fd` is (readlink of /proc/PID/fd/FD: a path, "pipe:[N]",
  // "socket:[N]", "anon_inode:[eventfd]"), or "".
  virtual std::string fd_target(int fd) const = 0;
};

// `name(arg, arg, ...)` for syscall `nr` with these registers. `source`
// may be null (snapinfo): pointers are then shown as hex.
std::string decode_syscall(long nr, const uint64_t args[6], const DecodeSource* source);

// Which argument of syscall `nr` is the path it acts on (open's 0,
// openat's 1, ...), or nullopt if it has none: what `--at SYSCALL,path=`
// compares.
std::optional<int> path_argument(long nr);

}  // namespace snappy
