// Small readers of /proc/PID files, shared by the syscall model and capture.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/snapshot_format.h"

namespace snappy {

// "/proc/<pid>/<rest>".
std::string proc_path(pid_t pid, const std::string& rest);
// The whole file as text; throws std::runtime_error naming it.
std::string read_text(const std::string& path);
// The target of a symlink (/proc/PID/fd/N, cwd); "" if it cannot be read.
std::string read_link(const std::string& path);
// The mm fields of /proc/PID/stat (proc(5): fields 26-28 and 45-51), with
// brk = start_brk: /proc/PID/stat does not show brk, and while recording
// it never moves (every brk call fails); a live capture corrects it.
format::MmLayout read_mm_layout(pid_t pid);

}  // namespace snappy
