#include "ptracer/thread_quiesce.h"

#include "ptracer/proc_files.h"

namespace snappy {

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
