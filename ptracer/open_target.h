// What an open(2) in the tracee would open, judged before the call runs:
// whether restore could reopen it by path (format::FdKind kFdFile), and if
// not, why, for the summary line.
//
// The recorder resolves the path as the tracee sees it: /proc/self and
// /proc/thread-self name the tracee's directories (in the recorder they name
// its own), so /proc/self/fd/N is the tracee's fd N and /proc/self/ns/* its
// namespaces. A symlink elsewhere that leads into /proc/self (/dev/stdout)
// is still resolved in the recorder; capture refuses what slips through.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace snappy {

// `path` (absolute) with a leading /proc/self or /proc/thread-self replaced
// by the directories of thread `tid`.
std::string as_seen_by(pid_t tid, const std::string& path);

// Why restore could not reopen what open(`path`) in thread `tid` opens: a
// namespace (nsfs: /proc/PID/ns/*), an unlinked file (/proc/PID/fd/N of
// one, or of a memfd), a pipe, socket or anonymous inode (/proc/PID/fd/N of
// one), a FIFO or a device other than the stateless ones. nullopt for a
// regular file, a directory, a stateless device, or a path that cannot be
// looked up (the call fails). Opens that create (O_CREAT, O_TMPFILE) never
// reach the model (common/syscall_table.cc).
std::optional<std::string> why_not_reopenable(pid_t tid, const std::string& path);

}  // namespace snappy
