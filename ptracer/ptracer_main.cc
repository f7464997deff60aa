// ptracer [-o NAME] [-v] [--at SYSCALL[,ARG0=VALUE]] [--no-vdso] [--no-replay]
//         [elf_loader] PROG ARGS...
//
// Exit codes: 0 snapshot written; 2 bad usage; 127 PROG or the loader not
// found; otherwise 1, or PROG's own non-zero exit status when it ended
// before any snapshot point.
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <string>
#include <vector>

#include "ptracer/capture.h"
#include "ptracer/memory_capture.h"
#include "ptracer/program_path.h"
#include "ptracer/recorder.h"

namespace {

bool is_executable_file(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

// The elf_loader next to this ptracer (installed side by side), or in the
// build tree's sibling directory.
std::string find_own_loader() {
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n <= 0) return "";
  std::string dir(self, static_cast<size_t>(n));
  dir = dir.substr(0, dir.rfind('/'));
  for (const char* rel : {"/elf_loader", "/../elf_loader/elf_loader"}) {
    if (is_executable_file(dir + rel)) return dir + rel;
  }
  return "";
}

bool is_loader_name(const std::string& arg) {
  std::string base = arg.substr(arg.rfind('/') + 1);
  return base == "elf_loader" && is_executable_file(arg);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Record a program's startup under ptrace and write a snapshot (NAME.info, NAME.pages)\n"
               "at its first system call outside the model, at --at, or at the checkpoint marker."};
  app.set_version_flag("--version", "ptracer (snappy-start) snapshot format v1");
  snappy::RecordOptions options;
  std::string at;
  bool no_replay = false;
  app.add_option("-o,--output", options.output, "snapshot NAME (writes NAME.info and NAME.pages)")
      ->capture_default_str();
  app.add_flag("-v,--verbose", options.verbose, "log every modelled system call");
  app.add_option("--at", at, "take the snapshot at SYSCALL (libseccomp name), optionally only when ARG0=VALUE");
  app.add_flag("--no-vdso", options.no_vdso, "hide the vDSO from the program (the snapshot then restores on any kernel)");
  app.add_flag("--no-replay", no_replay, "do not replay the program's output on restore");
  app.add_option("--may-change", options.may_change,
                 "a file (or directory/ prefix) that may change after recording, e.g. a log opened for "
                 "append: restore then checks only that it is the same file (device and inode); repeatable")
      ->allow_extra_args(false);
  // Everything from the first non-option on is the command, options of
  // PROG included (python3 -c ...).
  app.prefix_command();
  app.footer("Usage: ptracer [OPTIONS] [elf_loader] PROG ARGS...");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  std::vector<std::string> command = app.remaining();
  if (!command.empty() && command[0] == "--") command.erase(command.begin());
  if (!command.empty() && command[0].size() > 1 && command[0][0] == '-') {
    std::fprintf(stderr, "ptracer: unknown option %s (see ptracer --help)\n", command[0].c_str());
    return 2;
  }
  options.replay_output = !no_replay;

  try {
    if (!at.empty()) options.at = snappy::AtPoint::parse(at);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "ptracer: --at: %s\n", e.what());
    return 2;
  }
  if (!command.empty() && is_loader_name(command[0])) {
    options.loader = command[0];
    command.erase(command.begin());
  } else {
    options.loader = find_own_loader();
    if (options.loader.empty()) {
      std::fprintf(stderr, "ptracer: cannot find elf_loader next to ptracer; name it before PROG\n");
      return 127;
    }
  }
  if (command.empty()) {
    std::fprintf(stderr, "ptracer: no program given (usage: ptracer [OPTIONS] [elf_loader] PROG ARGS...)\n");
    return 2;
  }
  // Fail before running anything if the snapshot cannot be written there.
  std::string dir = options.output.find('/') == std::string::npos ? "." : options.output.substr(0, options.output.rfind('/'));
  if (dir.empty()) dir = "/";
  if (access(dir.c_str(), W_OK | X_OK) != 0) {
    std::fprintf(stderr, "ptracer: %s: cannot write the snapshot there: %s\n", options.output.c_str(), std::strerror(errno));
    return 2;
  }
  std::string prog = snappy::resolve_program(command[0]);
  if (prog.empty()) {
    std::fprintf(stderr, "ptracer: %s: no such executable file\n", command[0].c_str());
    return 127;
  }
  command[0] = prog;
  try {
    snappy::expand_interpreter(command);
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "ptracer: %s\n", e.what());
    return 127;
  }
  options.argv = command;

  try {
    snappy::record(options);
  } catch (const snappy::RecordError& e) {
    std::fprintf(stderr, "ptracer: %s\n", e.what());
    return e.exit_code;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ptracer: %s\n", e.what());
    return 1;
  }
  return 0;
}
