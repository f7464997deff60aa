// Small readers of /proc/PID files, shared by the syscall model and capture.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/snapshot_format.h"

namespace snappy {

// "/proc/<pid>/<rest>".
std::string proc_path(pid_t pid, const std::string& rest);
// The whole file as text; throws std::runtime_error naming it.
std::string read_text(const std::string& path);
// The same, or "" if it cannot be read (a process gone, a file /proc does
// not have): for what a snapshot of a live process may lack.
std::string read_text_or_empty(const std::string& path);
// The value of `key` in /proc/PID/status text ("Tgid", "Umask"), leading
// blanks skipped; "" if absent.
std::string status_field(const std::string& status, const std::string& key);
// The State letter of thread `tid` of process `pid` (/proc/PID/task/TID/stat:
// R, S, D, T, t, Z, X, ...); '?' if the task is gone.
char task_state(pid_t pid, pid_t tid);
// The thread ids of `pid` (/proc/PID/task), ascending; none if it is gone.
std::vector<pid_t> list_tasks(pid_t pid);
// The target of a symlink (/proc/PID/fd/N, cwd); "" if it cannot be read.
std::string read_link(const std::string& path);
// The mm fields of /proc/PID/stat (proc(5): fields 26-28 and 45-51), with
// brk = start_brk: /proc/PID/stat does not show brk, and while recording
// it never moves (every brk call fails); a live capture corrects it.
format::MmLayout read_mm_layout(pid_t pid);

}  // namespace snappy
