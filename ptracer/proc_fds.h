// A process's fds as /proc shows them (proc(5): /proc/PID/fd/N, a link to
// what is open; /proc/PID/fdinfo/N, its position, flags and kind-specific
// lines): the one reader of ptracer's capture and snap's.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace snappy {

struct ProcFd {
  int fd = -1;
  uint64_t pos = 0;    // "pos:"
  // "flags:" (octal): the description's status flags and O_CLOEXEC, which
  // the kernel shows whichever call set it (open, fcntl, ioctl(FIOCLEX)).
  uint32_t flags = 0;
  // The whole fdinfo text after a "\n", so that every key, the first
  // included, follows a newline (fdinfo_value).
  std::string fdinfo;
};

// The fd numbers `pid` has open, ascending. Throws std::runtime_error if
// /proc/PID/fd cannot be listed.
std::vector<int> open_fds(pid_t pid);

// fdinfo of `fd`; nullopt if it cannot be read (closed, or the process gone).
std::optional<ProcFd> read_fdinfo(pid_t pid, int fd);

// The number after `key` ("eventfd-count:") on a line of `fdinfo`, in `base`.
std::optional<uint64_t> fdinfo_value(const std::string& fdinfo, const std::string& key, int base);

}  // namespace snappy
