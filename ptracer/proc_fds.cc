#include "ptracer/proc_fds.h"

#include <dirent.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "ptracer/proc_files.h"

namespace snappy {

std::vector<int> open_fds(pid_t pid) {
  std::vector<int> fds;
  DIR* dir = opendir(proc_path(pid, "fd").c_str());
  if (!dir) throw std::runtime_error("cannot list /proc/PID/fd");
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') fds.push_back(std::atoi(e->d_name));
  }
  closedir(dir);
  std::sort(fds.begin(), fds.end());
  return fds;
}

std::optional<ProcFd> read_fdinfo(pid_t pid, int fd) {
  std::ifstream in(proc_path(pid, "fdinfo/" + std::to_string(fd)), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << "\n" << in.rdbuf();
  ProcFd f;
  f.fd = fd;
  f.fdinfo = text.str();
  f.pos = fdinfo_value(f.fdinfo, "pos:", 10).value_or(0);
  f.flags = static_cast<uint32_t>(fdinfo_value(f.fdinfo, "flags:", 8).value_or(0));
  return f;
}

std::optional<uint64_t> fdinfo_value(const std::string& fdinfo, const std::string& key, int base) {
  size_t at = fdinfo.find("\n" + key);
  if (at == std::string::npos) return std::nullopt;
  return std::strtoull(fdinfo.c_str() + at + 1 + key.size(), nullptr, base);
}

}  // namespace snappy
