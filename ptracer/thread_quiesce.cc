#include "ptracer/thread_quiesce.h"

#include <string>

#include "ptracer/proc_files.h"

namespace snappy {

namespace {

// The State field of /proc/PID/task/TID/stat, counted from the last ')'
// (the command name before it may hold spaces and parentheses). '?' if the
// task is gone.
char task_state(pid_t leader, pid_t tid) {
  std::string stat;
  try {
    stat = read_text(proc_path(leader, "task/" + std::to_string(tid) + "/stat"));
  } catch (const std::exception&) {
    return '?';
  }
  size_t close = stat.rfind(')');
  return close == std::string::npos || close + 2 >= stat.size() ? '?' : stat[close + 2];
}

}  // namespace

bool threads_asleep(pid_t leader, const std::set<pid_t>& threads, const std::set<pid_t>& skip) {
  for (pid_t tid : threads) {
    if (skip.count(tid)) continue;
    char state = task_state(leader, tid);
    // Z, X, ?: exited or on the way (its exit is an event the caller serves).
    if (state != 'S' && state != 'Z' && state != 'X' && state != '?') return false;
  }
  return true;
}

}  // namespace snappy
