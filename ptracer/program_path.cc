#include "ptracer/program_path.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace snappy {

namespace {

bool is_executable_file(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

}  // namespace

std::string resolve_program(const std::string& prog) {
  if (prog.find('/') != std::string::npos) return is_executable_file(prog) ? prog : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t begin = 0;
  while (begin <= dirs.size()) {
    size_t end = dirs.find(':', begin);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(begin, end - begin);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + prog;
    if (is_executable_file(candidate)) return candidate;
    begin = end + 1;
  }
  return "";
}

void expand_interpreter(std::vector<std::string>& argv) {
  // The kernel allows a few levels of interpreters (a script running a
  // script); so do we.
  for (int depth = 0; depth < 4; ++depth) {
    std::ifstream in(argv[0], std::ios::binary);
    std::string line;
    if (!in || !std::getline(in, line) || !line.starts_with("#!")) return;
    line = trim(line.substr(2));
    size_t space = line.find_first_of(" \t");
    std::string interpreter = line.substr(0, space);
    std::string argument = space == std::string::npos ? "" : trim(line.substr(space));
    if (interpreter.empty()) throw std::runtime_error(argv[0] + ": empty #! line");
    std::vector<std::string> expanded;
    std::string base = interpreter.substr(interpreter.rfind('/') + 1);
    if (base == "env" && !argument.empty() && argument[0] != '-' && argument.find_first_of(" \t") == std::string::npos) {
      std::string found = resolve_program(argument);
      if (found.empty()) throw std::runtime_error(argv[0] + ": interpreter " + argument + " not found in PATH");
      expanded.push_back(found);
    } else {
      if (!is_executable_file(interpreter)) throw std::runtime_error(argv[0] + ": bad interpreter " + interpreter);
      expanded.push_back(interpreter);
      if (!argument.empty()) expanded.push_back(argument);
    }
    expanded.insert(expanded.end(), argv.begin(), argv.end());
    argv = std::move(expanded);
  }
  throw std::runtime_error(argv[0] + ": too many levels of #! interpreters");
}

}  // namespace snappy
