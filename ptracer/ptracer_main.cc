// ptracer [-o NAME] [-v] [--stats] [--at SYSCALL[,ARG0=VALUE|,path=PREFIX]] [--no-vdso] [--no-replay]
//         [elf_loader] PROG ARGS...
//
// Exit codes (common/command_line.h): 0 snapshot written; 2 bad usage; 127
// PROG or the loader cannot be run; 1 NAME cannot be written there or any
// other failure; or PROG's own non-zero exit status when it ended before
// any snapshot point without exit_group (a program's normal end, exit_group,
// is itself a snapshot point: a program killed by a signal exits 1).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/command_line.h"
#include "common/snapshot_format.h"
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

// Why PROG as given cannot be run (resolve_program found nothing).
std::string why_not_executable(const std::string& prog) {
  if (prog.find('/') == std::string::npos) return "no such executable file in PATH";
  struct stat st;
  if (stat(prog.c_str(), &st) != 0) {
    return errno == ENOENT ? "no such executable file" : std::strerror(errno);
  }
  if (S_ISDIR(st.st_mode)) return "is a directory, not an executable file";
  if (!S_ISREG(st.st_mode)) return "not a regular file";
  return "not executable (" + std::string(std::strerror(EACCES)) + ")";
}

// Why elf_loader could not load `path` (the program after #! expansion),
// or "": it must read the file itself, so execute permission alone is not
// enough, and only ELF files are loaded. Checked here so that the one line
// the user sees comes from us, before anything runs.
std::string why_not_loadable(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::string("cannot read it: ") + std::strerror(errno);
  unsigned char magic[4] = {};
  ssize_t n = read(fd, magic, sizeof magic);
  close(fd);
  if (n != 4 || magic[0] != 0x7f || magic[1] != 'E' || magic[2] != 'L' || magic[3] != 'F') {
    return "not an ELF executable (nor a #! script)";
  }
  return "";
}

// The original argument CLI11 took `left` from: it splits "-v=3" into
// "-v" and "-=3".
std::string original_argument(const std::string& left, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (left == argv[i]) return left;
  }
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.size() > left.size() && arg[0] == '-' && arg.compare(arg.size() - (left.size() - 1), std::string::npos, left, 1) == 0) {
      return arg;
    }
  }
  return left;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Record a program's startup under ptrace and write a snapshot (NAME.info, NAME.pages)\n"
               "at its first system call outside the model, at --at, or at the checkpoint marker.",
               "ptracer"};
  app.set_version_flag("--version", "ptracer (snappy-start) snapshot format v" + std::to_string(snappy::format::kVersion));
  snappy::RecordOptions options;
  std::string at;
  bool no_replay = false;
  bool no_pin = false;
  unsigned quiesce_ms = static_cast<unsigned>(options.quiesce.count());
  app.add_option("-o,--output", options.output, "snapshot NAME (writes NAME.info and NAME.pages)")
      ->capture_default_str();
  app.add_flag("-v,--verbose", options.verbose, "log every modelled system call");
  app.add_flag("--stats", options.stats, "print ptrace stops by syscall and the time of each phase");
  app.add_option("--at", at, "take the snapshot at SYSCALL (libseccomp name), optionally only when ARG0=VALUE, or only when "
                 "its path argument starts with PREFIX (path=PREFIX: open, openat, access, stat-likes, mkdir, execve, ...)");
  app.add_flag("--no-vdso", options.no_vdso, "hide the vDSO from the program (the snapshot then restores on any kernel)");
  app.add_flag("--no-replay", no_replay, "do not replay the program's output on restore");
  app.add_flag("--no-pin", no_pin, "let the recorded program run on every CPU it may use (by default it and ptracer "
               "share one while recording, which makes each ptrace stop cheaper; sched_getaffinity shows the program "
               "the caller's mask either way)");
  app.add_option("--quiesce", quiesce_ms,
                 "at the snapshot point, let the program's other threads run for up to MS milliseconds until all "
                 "of them sleep (a JIT compiler finishing its compile), so that instances do not inherit half-done "
                 "work; 0 stops them where they are")
      ->capture_default_str()
      ->check(CLI::Range(0u, 60000u));
  app.add_option("--may-change", options.may_change,
                 "a file (or directory/ prefix) that may change after recording, e.g. a log opened for "
                 "append: restore then checks only that it is the same file (device and inode); repeatable")
      ->allow_extra_args(false);
  // Everything from the first non-option on is the command, options of
  // PROG included (python3 -c ...).
  app.prefix_command();
  app.footer("Usage: ptracer [OPTIONS] [elf_loader] PROG ARGS...");
  int parsed = snappy::parse_command_line(app, "ptracer", argc, argv);
  if (parsed >= 0) return parsed;
  std::vector<std::string> command = app.remaining();
  if (!command.empty() && command[0] == "--") command.erase(command.begin());
  if (!command.empty() && command[0].size() > 1 && command[0][0] == '-') {
    return snappy::usage_error("ptracer", "unknown option " + original_argument(command[0], argc, argv));
  }
  options.replay_output = !no_replay;
  options.pin_cpu = !no_pin;
  options.quiesce = std::chrono::milliseconds(quiesce_ms);
  if (options.output.empty()) return snappy::usage_error("ptracer", "empty -o NAME");
  try {
    if (!at.empty()) options.at = snappy::AtPoint::parse(at);
  } catch (const std::invalid_argument& e) {
    return snappy::usage_error("ptracer", std::string("--at: ") + e.what());
  }
  if (!command.empty() && is_loader_name(command[0])) {
    options.loader = command[0];
    command.erase(command.begin());
  }
  if (command.empty()) return snappy::usage_error("ptracer", "no program given");

  if (options.loader.empty()) {
    options.loader = find_own_loader();
    if (options.loader.empty()) {
      std::fprintf(stderr, "ptracer: cannot find elf_loader next to ptracer; name it before PROG\n");
      return 127;
    }
  }
  std::string prog = snappy::resolve_program(command[0]);
  if (prog.empty()) {
    std::fprintf(stderr, "ptracer: %s: %s\n", command[0].c_str(), why_not_executable(command[0]).c_str());
    return 127;
  }
  // As execvp: the kernel is given the path found, a `#!` script becomes
  // its interpreter's argv, and an ELF program keeps argv[0] as typed
  // (`sed --version` prints "sed", not "/usr/bin/sed").
  std::string typed = command[0];
  command[0] = prog;
  try {
    snappy::expand_interpreter(command);
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "ptracer: %s\n", e.what());
    return 127;
  }
  options.program = command[0];
  if (command[0] != prog) {
    options.script = prog;  // AT_EXECFN and comm are the script's
  } else {
    command[0] = typed;
  }
  if (std::string why = why_not_loadable(options.program); !why.empty()) {
    std::fprintf(stderr, "ptracer: %s: %s\n", options.program.c_str(), why.c_str());
    return 127;
  }
  // Fail before running anything if the snapshot cannot be written there.
  if (std::string problem = snappy::snapshot_output_problem(options.output, {".info", ".pages"}); !problem.empty()) {
    std::fprintf(stderr, "ptracer: %s\n", problem.c_str());
    return snappy::kExitFailed;
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
