// /proc/PID/coredump_filter: which mappings a core dump of the process
// includes (core(5)). The JVM rewrites its own at startup
// (os::Linux::set_coredump_filter, OpenJDK 17: read, OR in the file-backed
// bits, write back, once for -XX:+DumpPrivateMappingsInCore and once for
// -XX:+DumpSharedMappingsInCore, both on by default), so the recorder lets a
// program open its own coredump_filter for writing and write to it: the
// value lives in the mm (mm->flags, MMF_DUMP_FILTER_MASK), which the write
// changes for real, exactly as in a cold run. Capture reads the value the
// program left (format::ProcessRecord::coredump_filter) and restore writes
// it into its own process, which becomes the instance.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>

namespace snappy {

// `path` names the coredump_filter of a thread of the tracee:
// /proc/N/coredump_filter with N a thread of it (`is_ours`; every thread's
// file is the mm's one value, fs/proc/base.c proc_coredump_filter_write:
// get_task_mm). Only process directories have one (tgid_base_stuff; the
// task/TID directories and so /proc/thread-self do not). `path` is as
// the tracee sees it (open_target.h as_seen_by: /proc/self resolved) or as
// /proc/PID/fd/N names the opened file.
bool names_own_coredump_filter(const std::string& path, const std::function<bool(pid_t)>& is_ours);

// The value in /proc/`pid`/coredump_filter (printed "%08lx"); throws
// std::runtime_error naming the file.
uint32_t read_coredump_filter(pid_t pid);

}  // namespace snappy
