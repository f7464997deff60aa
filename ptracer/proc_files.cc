#include "ptracer/proc_files.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace snappy {

std::string proc_path(pid_t pid, const std::string& rest) {
  return "/proc/" + std::to_string(pid) + "/" + rest;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string read_text_or_empty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string status_field(const std::string& status, const std::string& key) {
  std::istringstream in(status);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(key + ":")) {
      size_t at = line.find_first_not_of(" \t", key.size() + 1);
      return at == std::string::npos ? "" : line.substr(at);
    }
  }
  return "";
}

std::vector<pid_t> list_tasks(pid_t pid) {
  std::vector<pid_t> tids;
  if (DIR* dir = opendir(proc_path(pid, "task").c_str())) {
    while (dirent* e = readdir(dir)) {
      if (e->d_name[0] != '.') tids.push_back(std::atoi(e->d_name));
    }
    closedir(dir);
  }
  std::sort(tids.begin(), tids.end());
  return tids;
}

char task_state(pid_t pid, pid_t tid) {
  std::string stat = read_text_or_empty(proc_path(pid, "task/" + std::to_string(tid) + "/stat"));
  // After the command name, which may hold spaces and parentheses: counted
  // from the last ')'.
  size_t close = stat.rfind(')');
  return close == std::string::npos || close + 2 >= stat.size() ? '?' : stat[close + 2];
}

std::string read_link(const std::string& path) {
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof(buf));
  return n < 0 ? std::string() : std::string(buf, static_cast<size_t>(n));
}

format::MmLayout read_mm_layout(pid_t pid) {
  std::string stat = read_text(proc_path(pid, "stat"));
  // Field 2, the command name, may contain spaces: count after its ')'.
  std::istringstream in(stat.substr(stat.rfind(')') + 2));
  std::vector<uint64_t> f(3);  // fields 1 and 2 are not in the stream
  std::string word;
  while (in >> word) f.push_back(std::strtoull(word.c_str(), nullptr, 10));
  if (f.size() < 52) throw std::runtime_error("short /proc/PID/stat");
  format::MmLayout mm{};
  mm.start_code = f[26];
  mm.end_code = f[27];
  mm.start_stack = f[28];
  mm.start_data = f[45];
  mm.end_data = f[46];
  mm.start_brk = f[47];
  mm.brk = f[47];
  mm.arg_start = f[48];
  mm.arg_end = f[49];
  mm.env_start = f[50];
  mm.env_end = f[51];
  return mm;
}

}  // namespace snappy
