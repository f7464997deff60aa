#include "snapfs/learn_command.h"

#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "common/command_line.h"
#include "snapfs/learned_info.h"
#include "snapfs/learner.h"
#include "snapfs/snapshot_file.h"

namespace snappy {

namespace {

constexpr const char* kCommand = "snapinfo learn";

const char kHelp[] =
    "usage: snapinfo learn [--fresh] [--restore PATH] [restore's --env K=V, --clear-env,\n"
    "                      --anon=exact|mapped, --trust, --verify] NAME [INVOCATION...]\n"
    "  restores NAME once (restore --no-learned, INVOCATION after NAME, e.g. `-- ARGS`)\n"
    "  with this stdin, stdout and stderr, and at the instance's exit stores in\n"
    "  NAME.info the pages it wrote and read (the learned working set), merged\n"
    "  with the set learned before (--fresh: replaced); restore then\n"
    "  prefaults them (restore --no-learned ignores them)\n"
    "  --restore PATH  the restore to run (default: next to snapinfo, then\n"
    "                  ../restore/restore from it, then restore on PATH)\n"
    "exit: 0 stored (one line on stderr); 1 nothing stored; 2 usage\n";

bool executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

std::string default_restore() {
  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n > 0) {
    std::string dir(self, size_t(n));
    dir.resize(dir.rfind('/') + 1);
    for (const char* candidate : {"restore", "../restore/restore"}) {
      if (executable(dir + candidate)) return dir + candidate;
    }
  }
  std::string path = ::getenv("PATH") ? ::getenv("PATH") : "";
  for (size_t at = 0; at <= path.size();) {
    size_t end = path.find(':', at);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(at, end - at);
    if (!dir.empty() && executable(dir + "/restore")) return dir + "/restore";
    at = end + 1;
  }
  return "";
}

}  // namespace

int learn_command(int argc, char** argv) {
  bool fresh = false;
  std::string restore, name;
  std::vector<std::string> options, invocation;
  int i = 0;
  for (; i < argc && name.empty(); ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kHelp, stdout);
      return 0;
    } else if (a == "--fresh") {
      fresh = true;
    } else if (a == "--restore" || a == "--env") {
      if (i + 1 == argc) return usage_error(kCommand, a + " needs a value");
      if (a == "--restore") {
        restore = argv[++i];
      } else {
        options.push_back(a);
        options.push_back(argv[++i]);
      }
    } else if (a == "--clear-env" || a == "--trust" || a == "--verify" || a == "--anon=exact" || a == "--anon=mapped") {
      options.push_back(a);  // restore's, as it takes them: the instance trained is the one restored
    } else if (a.size() > 1 && a[0] == '-') {
      return usage_error(kCommand, "unknown option " + a);
    } else if (a.empty()) {
      return usage_error(kCommand, "empty snapshot NAME");
    } else {
      name = a;
    }
  }
  if (name.empty()) return usage_error(kCommand, "no snapshot NAME given");
  invocation.assign(argv + i, argv + argc);
  if (restore.empty()) restore = default_restore();
  if (restore.empty()) {
    std::fprintf(stderr, "%s: no restore found (next to snapinfo or on PATH); give --restore PATH\n", kCommand);
    return kExitFailed;
  }
  if (!executable(restore)) {
    std::fprintf(stderr, "%s: %s: %s\n", kCommand, restore.c_str(), std::strerror(errno));
    return kExitFailed;
  }
  try {
    SnapshotFile before(name);
    const InfoView& view = before.view();
    const format::Header header = view.header();
    if (view.count(format::kProcesses) != 1 || (view.process(0).flags & format::kProcessLive)) {
      throw SnapshotError(name + ": not a restorable snapshot of one process (snap's live snapshots are not)");
    }
    if (header.pages_id == 0) throw SnapshotError(name + ".info: not bound to its pages file (no pages id)");
    AtomicFile out(name + ".info");  // refused now if it must not be replaced
    TrainingRun run = train(before, restore, options, invocation);

    // Stored only into the very NAME.info trained against: one recorded
    // again meanwhile (or learned by another run) is left alone.
    SnapshotFile after(name);
    if (after.info_bytes() != before.info_bytes()) {
      throw SnapshotError(name + ".info changed while learning: nothing stored");
    }
    LearnedSet set = fresh ? LearnedSet{} : LearnedSet::from_view(view);
    set.merge(run.set);
    uint32_t training_runs = (fresh ? 0 : header.training_runs) + 1;
    std::vector<uint8_t> bytes = info_with_learned_set(before.info_bytes(), set.runs(), training_runs);
    InfoView check;
    InfoError error;
    if (!check.open(bytes.data(), bytes.size(), header.pages_size, &error)) {
      throw SnapshotError(name + ".info: the learned set would not be accepted: " + error.what);
    }
    replace_info(out, bytes);
    std::fprintf(stderr,
                 "%s: %s: %" PRIu64 " pages written, %" PRIu64 " read, from %u training runs "
                 "(this run: %" PRIu64 " written, %" PRIu64 " read; the job exited with %d)\n",
                 kCommand, name.c_str(), set.count(PageUse::kWritten), set.count(PageUse::kRead),
                 check.header().training_runs, run.set.count(PageUse::kWritten), run.set.count(PageUse::kRead),
                 run.exit_status);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "snapinfo: %s\n", e.what());
    return kExitFailed;
  }
}

}  // namespace snappy
