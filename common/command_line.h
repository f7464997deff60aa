// What the hosted tools' main files share about their command lines: the
// exit codes, one-line usage errors, and checking an output path before any
// work is done. Hosted only (CLI11, libc); restore and elf_loader follow the
// same convention in their own freestanding words.
//
// Exit codes (README "Reliability / Exit codes" is the table users see):
//   0    done
//   1    refused or failed: a path that does not exist, is a directory, cannot
//        be read or written; a snapshot that is invalid or does not match
//        (snapinfo files, verify); a process snap cannot take; any failure
//   2    usage: a missing or extra argument, an unknown option, a bad value
//   3    snap only: processes were captured but NAME could not be written
//   127  ptracer, elf_loader: PROG (or the loader) cannot be run, as a shell
// Every error is one line on stderr: `TOOL: what: why`, and for usage errors
// `TOOL: what; see TOOL --help`.
#pragma once

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "common/output_path.h"

namespace snappy {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// Prints `COMMAND: what; see COMMAND --help` and returns kExitUsage.
inline int usage_error(const std::string& command, const std::string& what) {
  std::fprintf(stderr, "%s: %s; see %s --help\n", command.c_str(), what.c_str(), command.c_str());
  return kExitUsage;
}

namespace command_line_detail {


// CLI11's message (several lines, its own words) as one short clause.
inline std::string describe(CLI::App& app, const CLI::ParseError& e) {
  std::string what = e.what();
  if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
    // The first argument nobody took, from the innermost subcommand.
    std::vector<std::string> left = app.remaining(true);
    std::string arg = left.empty() ? what.substr(what.rfind(' ') + 1) : left.front();
    return (arg.size() > 1 && arg[0] == '-' ? "unknown option " : "unexpected argument ") + arg;
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e)) {
    // "--output: 1 required TEXT missing", "--output: At Most 1 required but received 2"
    std::string option = what.substr(0, what.find(':'));
    if (what.find(" missing") != std::string::npos) return option + " needs a value";
    if (what.find("At Most") != std::string::npos) return option + " given more than once";
  }
  if (dynamic_cast<const CLI::ConversionError*>(&e) && what.starts_with("Could not convert: ")) {
    // "Could not convert: --pid = abc"
    std::string rest = what.substr(std::strlen("Could not convert: "));
    size_t eq = rest.find(" = ");
    if (eq != std::string::npos) return rest.substr(0, eq) + ": '" + rest.substr(eq + 3) + "' is not a valid value";
  }
  if (dynamic_cast<const CLI::RequiredError*>(&e) && what == "A subcommand is required") return "a subcommand is required";
  size_t newline = what.find('\n');
  return newline == std::string::npos ? what : what.substr(0, newline);
}

}  // namespace command_line_detail

// app.parse with the errors in our words. Returns -1 when parsed; else the
// exit code (0 after --help or --version, printed on stdout; kExitUsage
// after one line on stderr naming the tool and subcommand, e.g.
// `snapinfo core: NAME is required; see snapinfo core --help`).
inline int parse_command_line(CLI::App& app, const std::string& tool, int argc, char** argv) {
  try {
    app.parse(argc, argv);
    return -1;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string command = tool;
    for (const CLI::App* sub = &app; !sub->get_subcommands().empty();) {
      sub = sub->get_subcommands().front();
      command += " " + sub->get_name();
    }
    return usage_error(command, command_line_detail::describe(app, e));
  }
}

// Why a file cannot be created (or replaced) at `path`, or "" if it can:
// its directory missing or not writable, `path` a directory, a name another
// user owns in a sticky directory, a device, FIFO or socket
// (common/output_path.h has the rules). With `streams` (writers that write
// front to back: snapinfo core and pack), "-", /dev/stdout, a character
// device or a FIFO are accepted as streams. Checked before any work, so that
// nothing is run or touched for an output that cannot be written.
inline std::string output_problem(const std::string& path, bool streams = false) {
  StreamTarget target;
  return examine_output(path, streams, &target);
}

// The same for the files a snapshot NAME stands for (NAME + each suffix):
// "PATH: cannot write the snapshot there: why" for the first that cannot
// be written, or "". NAME itself must not end in '/': it is a prefix
// ("dir/snap"), not a directory.
inline std::string snapshot_output_problem(const std::string& name, std::initializer_list<const char*> suffixes) {
  std::vector<std::string> paths;
  if (!name.empty() && name.back() == '/') paths.push_back(name);
  for (const char* suffix : suffixes) paths.push_back(name + suffix);
  for (const std::string& path : paths) {
    std::string why = output_problem(path);
    if (!why.empty()) return path + ": cannot write the snapshot there: " + why;
  }
  return "";
}

}  // namespace snappy
