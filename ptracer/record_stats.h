// What a recording cost, counted (`ptracer --stats`): ptrace stops by
// syscall (seccomp entry stops and syscall-exit stops apart), the tracee
// memory the handlers read, and the time of each phase. Counts do not
// depend on the machine's load, so they are what before/after comparisons
// on a shared machine rest on (bench/record_phases.py reads this line).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace snappy {

// Wall-clock laps: each lap() closes the phase that began at the last one.
class PhaseClock {
 public:
  void lap(std::string name) {
    auto now = std::chrono::steady_clock::now();
    phases_.emplace_back(std::move(name), std::chrono::duration<double, std::milli>(now - last_).count());
    last_ = now;
  }
  void restart() { last_ = std::chrono::steady_clock::now(); }
  const std::vector<std::pair<std::string, double>>& phases() const { return phases_; }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  std::vector<std::pair<std::string, double>> phases_;
};

struct RecordStats {
  struct Stops {
    uint64_t entry = 0, exit = 0;
  };
  std::map<long, Stops> by_syscall;
  uint64_t other_stops = 0;  // exec, clone, signals, a new thread's SIGSTOP

  void entry_stop(long nr) { ++by_syscall[nr].entry; }
  void exit_stop(long nr) { ++by_syscall[nr].exit; }
  // "ptracer: stats: stops 1203 (entry 880, exit 323, other 4); top: openat 221+221, ..."
  std::string summary(const PhaseClock& trace, const PhaseClock& capture) const;
};

}  // namespace snappy
