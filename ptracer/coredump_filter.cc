#include "ptracer/coredump_filter.h"

#include <cstdlib>
#include <stdexcept>

#include "common/snapshot_format.h"
#include "ptracer/proc_files.h"

namespace snappy {

namespace {

// A decimal pid at `at`, up to the next '/' (moved past); -1 if none.
pid_t take_pid(const std::string& path, size_t* at) {
  size_t end = path.find('/', *at);
  if (end == std::string::npos || end == *at || end - *at > 10) return -1;
  pid_t pid = 0;
  for (size_t i = *at; i < end; ++i) {
    if (path[i] < '0' || path[i] > '9') return -1;
    pid = pid * 10 + (path[i] - '0');
  }
  *at = end + 1;
  return pid;
}

}  // namespace

bool names_own_coredump_filter(const std::string& path, const std::function<bool(pid_t)>& is_ours) {
  const std::string proc = "/proc/", name = "coredump_filter";
  if (!path.starts_with(proc)) return false;
  size_t at = proc.size();
  pid_t pid = take_pid(path, &at);
  return pid > 0 && is_ours(pid) && path.compare(at, std::string::npos, name) == 0;
}

uint32_t read_coredump_filter(pid_t pid) {
  std::string path = proc_path(pid, "coredump_filter");
  std::string text = read_text(path);
  char* end = nullptr;
  unsigned long value = std::strtoul(text.c_str(), &end, 16);
  if (end == text.c_str() || (value & ~uint64_t{format::kCoredumpFilterBits}))
    throw std::runtime_error(path + ": unexpected content");
  return static_cast<uint32_t>(value);
}

}  // namespace snappy
