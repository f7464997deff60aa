// snap [-o NAME] [--include CLASSES] [--exclude CLASSES] [--ignore-filter]
//      [--no-fork] [--every SECONDS [--count N]] [-z] PID|PROGNAME...
//
// Snapshots running processes (Plan 9's snap, gdb's gcore) into one
// snapshot NAME.info + NAME.pages (or NAME.snap.zst with -z), every process
// a ProcessRecord marked kProcessLive: for inspection with snapinfo, snapfs
// and `snapinfo core` + gdb; restore refuses it. A numeric argument is a
// pid; any other is every process of the caller whose comm or argv[0]
// basename is that name (snap itself excluded). The processes run on
// afterwards; see ptracer/live_capture.h for how the pause is kept short
// (an injected fork) and what a live snapshot cannot hold.
//
// With --every, NAME.<unix-time> (or NAME.<unix-time>.snap.zst) is written
// every SECONDS, --count times (forever without --count).
//
// Exit codes (common/command_line.h): 0 every snapshot written; 1 a target
// could not be snapshotted (no such process, ptrace denied, already traced
// by another process, a zombie, exited or exec'd mid-snapshot, no process
// of that name; ptracer/stop_events.h) -- one line "snap: PID: why",
// nothing written, every target detached -- or NAME cannot be written there
// (checked before any process is touched); 2 bad usage; 3 the processes were
// captured but the snapshot could not be written (a full disk: "snap: writing
// PATH: No space left on device"); 128+N stopped by signal N before the
// snapshot was complete, nothing written (ptracer/snap_guard.h).
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "common/atomic_file.h"
#include "common/command_line.h"
#include "common/cpu_features.h"
#include "common/snapshot_writer.h"
#include "ptracer/file_table.h"
#include "ptracer/live_capture.h"
#include "ptracer/snap_guard.h"
#include "common/pack.h"

namespace {

struct Failure {
  int code;
  std::string line;
};

struct Summary {
  uint64_t processes = 0, threads = 0, mappings = 0, bytes = 0, max_pause_ns = 0;
  bool all_forked = true;
  std::string fallback;
  bool zombie = false;
};

bool is_number(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// A pid the kernel could have given: 1 to 2^22 (pid_max's limit,
// PID_MAX_LIMIT), checked without std::stol throwing on 30 digits.
bool is_possible_pid(const std::string& s) {
  return s.size() <= 7 && std::stol(s) >= 1 && std::stol(s) <= (1 << 22);
}

// A CLI11 check: a positive number of WHAT.
CLI::Validator positive(const std::string& what) {
  return CLI::Validator(
      [what](std::string& value) -> std::string {
        char* end = nullptr;
        double v = std::strtod(value.c_str(), &end);
        if (value.empty() || *end || !(v > 0)) return what + " must be a positive number, not '" + value + "'";
        return "";
      },
      what);
}

// Writes one snapshot of `targets` to `name` (pair, or pack when `pack`).
Summary snapshot_once(const std::vector<std::string>& targets, const std::string& name, bool pack,
                      const snappy::LiveOptions& options) {
  // Resolve names first: every matching process, one snapshot.
  std::vector<pid_t> pids;
  std::vector<bool> by_name;
  for (const std::string& t : targets) {
    if (is_number(t)) {
      pids.push_back(static_cast<pid_t>(std::stol(t)));
      by_name.push_back(false);
    } else {
      std::vector<pid_t> found = snappy::find_processes_by_name(t);
      if (found.empty() || (found.size() == 1 && found[0] == snappy::guard_pid())) {
        throw Failure{1, t + ": no process of that name owned by you"};
      }
      for (pid_t p : found) {
        if (p == snappy::guard_pid()) continue;  // our own guard is not a target
        pids.push_back(p);
        by_name.push_back(true);
      }
    }
  }
  snappy::Snapshot s;
  s.created_unix_ns = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                std::chrono::system_clock::now().time_since_epoch()).count());
  s.xcr0 = snappy::read_xcr0();
  s.xsave_size = snappy::read_xsave_size();
  snappy::read_cpu_features(s.cpu_features);
  snappy::FileTable files(s);
  // With -z the pair is only a step towards NAME.snap.zst: it is written in
  // a directory of its own (mkdtemp: a fresh unguessable name, mode 0700,
  // next to NAME so on the same disk) where nobody else can plant or open
  // anything, and goes with it.
  struct PrivateDir {
    std::string path;
    ~PrivateDir() {
      if (path.empty()) return;
      unlink((path + "/pair.info").c_str());
      unlink((path + "/pair.pages").c_str());
      rmdir(path.c_str());
    }
  } private_dir;
  std::string pair = name;
  if (pack) {
    std::string templ = name + ".snap-tmp.XXXXXX";
    if (!mkdtemp(templ.data())) throw Failure{3, "writing " + name + ".snap.zst: " + std::strerror(errno)};
    private_dir.path = templ;
    pair = templ + "/pair";
  }
  Summary sum;
  try {
    snappy::AtomicFile pages(pair + ".pages");
    std::vector<pid_t> seen;
    for (size_t i = 0; i < pids.size(); ++i) {
      if (std::find(seen.begin(), seen.end(), pids[i]) != seen.end()) continue;
      seen.push_back(pids[i]);
      try {
        snappy::LiveResult r = snappy::capture_live_process(pids[i], options, s, files, pages);
        ++sum.processes;
        sum.threads += r.threads;
        sum.mappings += r.mappings;
        sum.bytes += r.bytes_stored;
        sum.max_pause_ns = std::max(sum.max_pause_ns, r.pause_ns);
        if (!r.forked) {
          sum.all_forked = false;
          if (sum.fallback.empty()) sum.fallback = r.fallback_reason;
        }
        sum.zombie |= r.zombie_left;
        for (const std::string& m : r.unreadable) {
          std::fprintf(stderr, "snap: %d: mapping %s; kept without data\n", int(pids[i]), m.c_str());
        }
        for (const std::string& m : r.notes) std::fprintf(stderr, "snap: %d: %s\n", int(pids[i]), m.c_str());
      } catch (const snappy::LiveError& e) {
        // A process found by name that is gone by now is no longer one.
        if (by_name[i] && e.vanished) continue;
        throw Failure{1, e.what()};
      }
    }
    if (sum.processes == 0) throw Failure{1, "no process left to snapshot"};
    uint64_t pages_size = snappy::bind_pages_file(pages, s);
    std::vector<uint8_t> info_bytes = snappy::serialize_info(s, pages_size);
    snappy::AtomicFile info(pair + ".info");
    info.pwrite_all(info_bytes.data(), info_bytes.size(), 0);
    snappy::hold_for_test(options, "writing");
    snappy::throw_if_stopped(options);
    pages.sync();
    info.sync();
    snappy::hold_for_test(options, "rename");
    snappy::throw_if_stopped(options);
    snappy::AtomicFile::rename_pair_into_place(pages, info);
  } catch (const Failure&) {
    throw;
  } catch (const snappy::LiveStopped& e) {
    // Nothing under NAME: the temporary files went with the AtomicFiles.
    throw Failure{128 + e.signal, name + ": stopped by SIG" + std::string(sigabbrev_np(e.signal)) +
                                      " before the snapshot was complete; nothing written"};
  } catch (const snappy::WriteError& e) {
    // "writing PATH: No space left on device"; with -z the pair is only a
    // step towards NAME.snap.zst.
    throw Failure{3, pack ? "writing " + name + ".snap.zst: " + e.code().message() : std::string(e.what())};
  } catch (const std::exception& e) {
    throw Failure{3, name + ": " + e.what()};
  }
  if (pack) {
    try {
      snappy::throw_if_stopped(options);
      snappy::pack_snapshot(pair, name + ".snap.zst", isatty(2), /*streams=*/false);
    } catch (const snappy::LiveStopped& e) {
      throw Failure{128 + e.signal, name + ".snap.zst: stopped by SIG" + std::string(sigabbrev_np(e.signal)) +
                                        " before the pack was complete; nothing written"};
    } catch (const snappy::WriteError& e) {
      throw Failure{3, e.what()};
    } catch (const std::exception& e) {
      throw Failure{3, name + ".snap.zst: " + e.what()};
    }
  }
  return sum;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Snapshot running processes into one snapshot (NAME.info + NAME.pages) for inspection;\n"
               "they run on after a short pause. PROGNAME means every process of yours with that name.",
               "snap"};
  std::string output = "snap";
  std::string include, exclude;
  bool ignore_filter = false, no_fork = false, zstd = false, inject_blocked = false;
  double every = 0;
  long count = 0;
  std::vector<std::string> targets;
  app.add_option("-o,--output", output, "snapshot NAME")->capture_default_str();
  app.add_option("--include", include,
                 "content classes to store in addition to the default: anon-private, anon-shared, "
                 "file-private, file-shared, shm, huge, all");
  app.add_option("--exclude", exclude, "content classes not to store (the mappings stay, without data)");
  app.add_flag("--ignore-filter", ignore_filter, "ignore MADV_DONTDUMP and /proc/PID/coredump_filter");
  app.add_flag("--no-fork", no_fork, "keep the process stopped while copying (no injected fork)");
  app.add_flag("--inject-into-blocked", inject_blocked, "(testing) inject the fork into a thread inside a system call");
  std::string test_hold;
  app.add_option("--test-hold", test_hold, "(testing) wait at STAGE until stopped: see ptracer/live_capture.h")
      ->group("");
  app.add_option("--every", every, "write NAME.<unix-time> every SECONDS")->check(positive("SECONDS"));
  app.add_option("--count", count, "with --every: this many snapshots")->check(positive("N"));
  app.add_flag("-z", zstd, "write the zstd pack NAME.snap.zst instead of the pair");
  app.add_option("PID|PROGNAME", targets, "PID or PROGNAME");
  int parsed = snappy::parse_command_line(app, "snap", argc, argv);
  if (parsed >= 0) return parsed;
  if (targets.empty()) return snappy::usage_error("snap", "no PID or PROGNAME given");
  if (count && !every) return snappy::usage_error("snap", "--count needs --every");
  if (output.empty()) return snappy::usage_error("snap", "empty -o NAME");
  snappy::LiveOptions options;
  options.ignore_filter = ignore_filter;
  options.fork = !no_fork;
  options.inject_into_blocked = inject_blocked;
  options.hold = test_hold;
  try {
    if (!include.empty()) options.classes |= snappy::parse_live_classes(include);
  } catch (const std::invalid_argument& e) {
    return snappy::usage_error("snap", std::string("--include: ") + e.what());
  }
  try {
    if (!exclude.empty()) options.classes &= ~snappy::parse_live_classes(exclude);
  } catch (const std::invalid_argument& e) {
    return snappy::usage_error("snap", std::string("--exclude: ") + e.what());
  }
  for (const std::string& t : targets) {
    if (t.empty()) return snappy::usage_error("snap", "empty PROGNAME");
    if (is_number(t) && !is_possible_pid(t)) {
      std::fprintf(stderr, "snap: %s: no such process\n", t.c_str());
      return snappy::kExitFailed;
    }
  }
  // Nothing is touched when NAME cannot be written there (with --every the
  // names differ only by a suffix: the same directory).
  std::string problem = zstd ? snappy::snapshot_output_problem(output, {".snap.zst"})
                             : snappy::snapshot_output_problem(output, {".info", ".pages"});
  if (!problem.empty()) {
    std::fprintf(stderr, "snap: %s\n", problem.c_str());
    return snappy::kExitFailed;
  }
  // From here on the processes are touched: the work is done by a worker
  // that survives this process being killed (ptracer/snap_guard.h).
  snappy::run_as_guarded_worker();
  options.stop = snappy::stop_request();
  if (!options.hold.empty()) options.release = snappy::test_release_request();
  for (long n = 0; every == 0 ? n < 1 : (count == 0 || n < count); ++n) {
    auto start = std::chrono::steady_clock::now();
    std::string name = every ? output + "." + std::to_string(std::time(nullptr)) : output;
    try {
      Summary sum = snapshot_once(targets, name, zstd, options);
      double total_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      std::string how = sum.all_forked ? "fork" : "stopped while copying: " + sum.fallback;
      std::printf("snap: %s: %llu process%s, %llu thread%s, %llu mappings, %llu bytes stored, pause %.1f ms (%s), "
                  "%.0f ms total%s\n",
                  (zstd ? name + ".snap.zst" : name).c_str(), (unsigned long long)sum.processes,
                  sum.processes == 1 ? "" : "es", (unsigned long long)sum.threads, sum.threads == 1 ? "" : "s",
                  (unsigned long long)sum.mappings, (unsigned long long)sum.bytes, sum.max_pause_ns / 1e6,
                  how.c_str(), total_ms, sum.zombie ? " (a zombie child was left to the target)" : "");
      std::fflush(stdout);
    } catch (const Failure& f) {
      std::fprintf(stderr, "snap: %s\n", f.line.c_str());
      return f.code;
    }
    if (every && (count == 0 || n + 1 < count)) {
      // Asked to stop between snapshots: every snapshot written is whole.
      auto until = start + std::chrono::duration<double>(every);
      while (std::chrono::steady_clock::now() < until) {
        if (*options.stop) return 0;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      if (*options.stop) return 0;
    }
  }
  return 0;
}
