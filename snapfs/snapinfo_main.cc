// snapinfo: reports on a snapshot.
//   snapinfo [--json] NAME              the mappings (like /proc/PID/maps) and the trigger
//   snapinfo maps [--json] NAME         the same
//   snapinfo files [--json] [--verify] NAME   backing files and whether they still match
//   snapinfo verify NAME                every checksum; exit 0 only if all match
//   snapinfo core NAME [-o FILE] [--pid PID]  an ELF core file gdb reads
//   snapinfo pack NAME [-o FILE]        one zstd-compressed file
//   snapinfo unpack FILE [-o NAME]      back to NAME.info + NAME.pages
// Exit codes: 0 ok; 1 a snapshot that cannot be read, a mismatch, a
// failed write; 2 bad usage.
#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <vector>

#include "common/atomic_file.h"
#include "snapfs/core_image.h"
#include "snapfs/pack.h"
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
  AtomicFile out(out_path);
  std::vector<uint8_t> buf(1 << 20);
  for (uint64_t at = 0; at < core.size();) {
    uint64_t n = std::min<uint64_t>(buf.size(), core.size() - at);
    // Zero memory stays a hole, as in the kernel's cores.
    if (!core.is_hole(at, n)) {
      n = core.read(at, buf.data(), n);
      out.pwrite_all(buf.data(), n, at);
    }
    at += n;
  }
  out.truncate(core.size());
  out.sync();
  out.rename_into_place();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Report on a snappy-start snapshot (NAME.info + NAME.pages), check it, write an ELF core, pack it."};
  app.require_subcommand(0, 1);
  std::string name, out_path, file;
  bool json = false, verify = false;
  uint32_t pid = 0;
  app.add_flag("--json", json, "machine-readable output");
  app.add_option("name", name, "snapshot NAME (reads NAME.info and NAME.pages)");

  auto* maps = app.add_subcommand("maps", "the mappings, like /proc/PID/maps, with where their pages come from");
  maps->add_flag("--json", json, "machine-readable output");
  maps->add_option("name", name, "snapshot NAME")->required();
  auto* files = app.add_subcommand("files", "the files the snapshot depends on, and whether they still match");
  files->add_flag("--json", json, "machine-readable output");
  files->add_flag("--verify", verify, "compare the files' content hashes too (reads them)");
  files->add_option("name", name, "snapshot NAME")->required();
  auto* check = app.add_subcommand("verify", "check every checksum; exit 0 only if all match");
  check->add_option("name", name, "snapshot NAME")->required();
  auto* core = app.add_subcommand("core", "write an ELF core file that gdb reads");
  core->add_option("name", name, "snapshot NAME")->required();
  core->add_option("-o,--output", out_path, "the core file (default NAME.core)");
  core->add_option("--pid", pid, "the process, by recorded pid (default: the first)");
  auto* pack = app.add_subcommand("pack", "one zstd-compressed file for storage and transfer");
  pack->add_option("name", name, "snapshot NAME")->required();
  pack->add_option("-o,--output", out_path, "the pack file (default NAME.snap.zst)");
  auto* unpack = app.add_subcommand("unpack", "a pack file back to NAME.info and NAME.pages");
  unpack->add_option("file", file, "the pack file")->required();
  unpack->add_option("-o,--output", out_path, "snapshot NAME to write (default: FILE without .snap.zst)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  bool terminal = ::isatty(2);
  try {
    if (*unpack) {
      if (out_path.empty()) {
        out_path = file;
        const std::string suffix = ".snap.zst";
        if (out_path.size() > suffix.size() && out_path.compare(out_path.size() - suffix.size(), suffix.size(), suffix) == 0) {
          out_path.resize(out_path.size() - suffix.size());
        } else {
          out_path += ".unpacked";
        }
      }
      unpack_snapshot(file, out_path, terminal);
      return 0;
    }
    if (name.empty()) {
      std::fprintf(stderr, "snapinfo: no snapshot NAME given (see snapinfo --help)\n");
      return 2;
    }
    SnapshotFile s(name);
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
      write_core(s, out_path.empty() ? name + ".core" : out_path, pid);
      return 0;
    }
    if (*pack) {
      pack_snapshot(name, out_path.empty() ? name + ".snap.zst" : out_path, terminal);
      return 0;
    }
    report_maps(s, json, std::cout);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "snapinfo: %s\n", e.what());
    return 1;
  }
}
