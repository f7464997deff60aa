#include "ptracer/jvm_perf_data.h"

#include <cerrno>

namespace snappy {

static_assert(kPerfDataErrno == EACCES, "EACCES on x86-64");

bool is_jvm_perf_data(const std::string& path) {
  const std::string prefix = "/tmp/hsperfdata_";
  if (!path.starts_with(prefix)) return false;
  // The user name: at least one byte before the end or the next '/'.
  return path.size() > prefix.size() && path[prefix.size()] != '/';
}

}  // namespace snappy
