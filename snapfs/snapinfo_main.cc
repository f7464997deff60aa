// snapinfo: reports on a snapshot.
//   snapinfo [--json] NAME              the mappings (like /proc/PID/maps) and the trigger
//   snapinfo maps [--json] NAME         the same
//   snapinfo files [--json] [--verify] NAME   backing files and whether they still match
//   snapinfo verify NAME                every checksum; exit 0 only if all match
//   snapinfo core NAME [-o FILE] [--pid PID]  an ELF core file gdb reads
//   snapinfo pack NAME [-o FILE]        one zstd-compressed file
//   snapinfo unpack FILE [-o NAME]      back to NAME.info + NAME.pages
//   snapinfo learn [--fresh] NAME [INVOCATION...]  train: store the pages a
//                                       restored instance writes and reads
//                                       (snapfs/learn_command.h)
// core and pack write FILE front to back: `-o -` (standard output),
// /dev/stdout, a character device or a FIFO is written through, never
// replaced; a regular FILE appears only when whole (common/output_sink.h).
// unpack reads FILE `-` from standard input.
// Exit codes (common/command_line.h): 0 ok; 1 a snapshot or file that
// cannot be read, a mismatch, an output that cannot be written; 2 bad usage.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <vector>

#include "common/command_line.h"
#include "common/output_sink.h"
#include "common/pack.h"
#include "snapfs/core_image.h"
#include "snapfs/learn_command.h"
#include "snapfs/snapshot_file.h"
#include "snapfs/snapshot_report.h"

namespace {

using namespace snappy;

// NAME.core by default; the process by recorded pid (the first if 0).
void write_core(const SnapshotFile& s, const std::string& out_path, uint32_t pid) {
  uint32_t index = 0;
  if (pid) {
    for (index = 0; index < s.view().count(format::kProcesses); ++index) {
      if (s.view().process(index).pid == pid) break;
    }
    if (index == s.view().count(format::kProcesses)) throw SnapshotError(s.name() + ": no process " + std::to_string(pid));
  }
  CoreImage core(s, index);
  OutputSink out(out_path, /*streams=*/true);
  std::vector<uint8_t> buf(1 << 20);
  for (uint64_t at = 0; at < core.size();) {
    uint64_t n = std::min<uint64_t>(buf.size(), core.size() - at);
    // Zero memory stays a hole, as in the kernel's cores (zeros in a
    // stream).
    if (core.is_hole(at, n)) {
      out.skip(n);
    } else {
      n = core.read(at, buf.data(), n);
      out.write(buf.data(), n);
    }
    at += n;
  }
  out.commit();
}

// Throws unless a file can be written at `path` (before any work is done).
// `streams`: core and pack write front to back, so "-" (standard output),
// /dev/stdout, a character device or a FIFO is written through.
void check_output(const std::string& path, bool streams = false) {
  std::string why = output_problem(path, streams);
  if (!why.empty()) throw SnapshotError(output_display_name(path) + ": cannot write there: " + why);
}

// Throws unless `path` is a file that can be opened for reading.
void check_input(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw SnapshotError(path + ": " + std::strerror(errno));
  struct stat st;
  bool directory = ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
  ::close(fd);
  if (directory) throw SnapshotError(path + ": " + std::strerror(EISDIR));
}

}  // namespace

int main(int argc, char** argv) {
  // Parsed apart: everything after NAME is restore's invocation, verbatim.
  if (argc >= 2 && std::strcmp(argv[1], "learn") == 0) return learn_command(argc - 2, argv + 2);
  CLI::App app{"Report on a snappy-start snapshot (NAME.info + NAME.pages), check it, write an ELF core, pack it.",
               "snapinfo"};
  app.require_subcommand(0, 1);
  app.footer("snapinfo learn [--fresh] NAME [INVOCATION...]: learn the pages a restored instance touches "
             "(snapinfo learn --help)");
  std::string name, out_path, file;
  bool json = false, verify = false;
  uint32_t pid = 0;
  app.add_flag("--json", json, "machine-readable output");
  app.add_option("NAME", name, "snapshot NAME (reads NAME.info and NAME.pages)");

  auto* maps = app.add_subcommand("maps", "the mappings, like /proc/PID/maps, with where their pages come from");
  maps->add_flag("--json", json, "machine-readable output");
  maps->add_option("NAME", name, "snapshot NAME")->required();
  auto* files = app.add_subcommand("files", "the files the snapshot depends on, and whether they still match");
  files->add_flag("--json", json, "machine-readable output");
  files->add_flag("--verify", verify, "compare the files' content hashes too (reads them)");
  files->add_option("NAME", name, "snapshot NAME")->required();
  auto* check = app.add_subcommand("verify", "check every checksum; exit 0 only if all match");
  check->add_option("NAME", name, "snapshot NAME")->required();
  auto* core = app.add_subcommand("core", "write an ELF core file that gdb reads");
  core->add_option("NAME", name, "snapshot NAME")->required();
  core->add_option("-o,--output", out_path, "the core file (default NAME.core; - for standard output)");
  core->add_option("--pid", pid, "the process, by recorded pid (default: the first)");
  auto* pack = app.add_subcommand("pack", "one zstd-compressed file for storage and transfer");
  pack->add_option("NAME", name, "snapshot NAME")->required();
  pack->add_option("-o,--output", out_path, "the pack file (default NAME.snap.zst; - for standard output)");
  auto* unpack = app.add_subcommand("unpack", "a pack file back to NAME.info and NAME.pages");
  unpack->add_option("FILE", file, "the pack file (- for standard input, with -o)")->required();
  unpack->add_option("-o,--output", out_path, "snapshot NAME to write (default: FILE without .snap.zst)");

  int parsed = parse_command_line(app, "snapinfo", argc, argv);
  if (parsed >= 0) return parsed;
  std::string command = "snapinfo";
  if (!app.get_subcommands().empty()) command += " " + app.get_subcommands().front()->get_name();
  if (*unpack && file.empty()) return usage_error(command, "empty FILE");
  if (!*unpack && name.empty()) {
    return usage_error(command, app.get_subcommands().empty() && !app.count("NAME") ? "no snapshot NAME given"
                                                                                     : "empty snapshot NAME");
  }
  for (CLI::App* writer : {core, pack, unpack}) {
    if (*writer && writer->count("--output") && out_path.empty()) return usage_error(command, "empty -o");
  }
  bool terminal = ::isatty(2);
  try {
    if (*unpack) {
      if (file == "-" && out_path.empty()) return usage_error(command, "FILE - (standard input) needs -o NAME");
      if (out_path.empty()) {
        out_path = file;
        const std::string suffix = ".snap.zst";
        if (out_path.size() > suffix.size() && out_path.compare(out_path.size() - suffix.size(), suffix.size(), suffix) == 0) {
          out_path.resize(out_path.size() - suffix.size());
        } else {
          out_path += ".unpacked";
        }
      }
      if (file != "-") check_input(file);
      check_output(out_path + ".info");
      check_output(out_path + ".pages");
      unpack_snapshot(file, out_path, terminal);
      return 0;
    }
    SnapshotFile s(name);
    if (*core || *pack) {
      if (out_path.empty()) out_path = name + (*core ? ".core" : ".snap.zst");
      check_output(out_path, /*streams=*/true);
    }
    if (*files) return report_files(s, verify, json, std::cout) == 0 ? 0 : 1;
    if (*check) {
      std::string mismatch = verify_snapshot(s, std::cout);
      if (!mismatch.empty()) {
        std::fprintf(stderr, "snapinfo: verify: %s\n", mismatch.c_str());
        return 1;
      }
      std::cout << "all checksums match\n";
      return 0;
    }
    if (*core) {
      write_core(s, out_path, pid);
      return 0;
    }
    if (*pack) {
      pack_snapshot(name, out_path, terminal, /*streams=*/true);
      return 0;
    }
    report_maps(s, json, std::cout);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "snapinfo: %s\n", e.what());
    return 1;
  }
}
