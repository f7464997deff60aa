#include "ptracer/record_stats.h"

#include <algorithm>
#include <cstdio>

#include "common/syscall_table.h"

namespace snappy {

namespace {

std::string phase_list(const PhaseClock& clock) {
  std::string out;
  for (const auto& [name, ms] : clock.phases()) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s%s %.1f ms", out.empty() ? "" : ", ", name.c_str(), ms);
    out += buf;
  }
  return out;
}

}  // namespace

std::string RecordStats::summary(const PhaseClock& trace, const PhaseClock& capture) const {
  uint64_t entry = 0, exit = 0;
  std::vector<std::pair<uint64_t, long>> order;
  for (const auto& [nr, s] : by_syscall) {
    entry += s.entry;
    exit += s.exit;
    order.emplace_back(s.entry + s.exit, nr);
  }
  std::sort(order.rbegin(), order.rend());
  std::string top;
  for (size_t i = 0; i < order.size() && i < 8; ++i) {
    const Stops& s = by_syscall.at(order[i].second);
    top += (i ? ", " : "") + syscall_name(order[i].second) + " " + std::to_string(s.entry) + "+" +
           std::to_string(s.exit);
  }
  char head[160];
  std::snprintf(head, sizeof head, "ptracer: stats: stops %llu (entry %llu, exit %llu, other %llu); ",
                static_cast<unsigned long long>(entry + exit + other_stops), static_cast<unsigned long long>(entry),
                static_cast<unsigned long long>(exit), static_cast<unsigned long long>(other_stops));
  return head + std::string("by syscall (entry+exit): ") + top + "\nptracer: stats: phases: " + phase_list(trace) +
         (capture.phases().empty() ? "" : ", " + phase_list(capture));
}

}  // namespace snappy
