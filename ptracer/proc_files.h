// Small readers of /proc/PID files, shared by the syscall model and capture.
#pragma once

#include <sys/types.h>

#include <string>

namespace snappy {

// "/proc/<pid>/<rest>".
std::string proc_path(pid_t pid, const std::string& rest);
// The whole file as text; throws std::runtime_error naming it.
std::string read_text(const std::string& path);
// The target of a symlink (/proc/PID/fd/N, cwd); "" if it cannot be read.
std::string read_link(const std::string& path);

}  // namespace snappy
