// launch: start a command N times, at most P at a time, and time each one.
//
//   launch --runs N [--parallel P] [--warmup W] [--stdin FILE] [--env K=V]...
//          [--each] -- CMD ARGS...
//
// Each run is timed with CLOCK_MONOTONIC from just before posix_spawn to the
// return of the wait4 that reaps it: what a caller waiting for an instance
// pays. posix_spawn (glibc: clone(CLONE_VM|CLONE_VFORK)) keeps the launcher's
// own cost small and equal for every command. stdout/stderr go to /dev/null;
// stdin is FILE (opened anew per run, so each run reads it from the start) or
// /dev/null. A run that does not exit with status 0 is a failure: counted,
// and the first one described. W warmup runs (not counted) go first.
//
// Output, one key=value per line (times in ms):
//   runs parallel failures first_failure median p99 min max mean wall_s per_s
//   minflt_median
// minflt_median: the median of each run's minor page faults, from the
// rusage wait4 returns with it (the whole process tree the run left: all its
// threads and reaped children). With --each, also times_ms=T1,T2,... and
// minflt_each=F1,F2,... (every timed run, in the order they were reaped), so
// a caller can pool runs from several launches.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

extern char** environ;

namespace {

double now_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "launch: %s\nusage: launch --runs N [--parallel P] [--warmup W] "
               "[--stdin FILE] [--env K=V]... [--each] -- CMD ARGS...\n",
               why);
  std::exit(2);
}

struct Options {
  int runs = 0, parallel = 1, warmup = 0;
  std::string stdin_path = "/dev/null";
  std::vector<std::string> env;  // K=V, added to (or replacing in) environ
  bool each = false;             // --each: print every run's time and faults
  std::vector<char*> argv;       // CMD ARGS..., null-terminated
};

Options parse(int argc, char** argv) {
  Options o;
  int i = 1;
  auto value = [&](const char* name) {
    if (i + 1 >= argc) usage((std::string(name) + " needs a value").c_str());
    return argv[++i];
  };
  for (; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--") { i++; break; }
    if (a == "--runs") o.runs = std::atoi(value("--runs"));
    else if (a == "--parallel") o.parallel = std::atoi(value("--parallel"));
    else if (a == "--warmup") o.warmup = std::atoi(value("--warmup"));
    else if (a == "--stdin") o.stdin_path = value("--stdin");
    else if (a == "--env") o.env.push_back(value("--env"));
    else if (a == "--each") o.each = true;
    else usage(("unknown option " + a).c_str());
  }
  if (o.runs < 1 || o.parallel < 1 || o.warmup < 0) usage("bad --runs/--parallel/--warmup");
  if (i >= argc) usage("no command");
  for (; i < argc; i++) o.argv.push_back(argv[i]);
  o.argv.push_back(nullptr);
  return o;
}

// environ with the --env entries replacing same-named variables.
std::vector<char*> make_env(const std::vector<std::string>& extra) {
  std::vector<char*> env;
  for (char** e = environ; *e; e++) {
    bool replaced = false;
    for (const auto& kv : extra) {
      size_t eq = kv.find('=');
      if (std::strncmp(*e, kv.c_str(), eq + 1) == 0) replaced = true;
    }
    if (!replaced) env.push_back(*e);
  }
  for (const auto& kv : extra) env.push_back(const_cast<char*>(kv.c_str()));
  env.push_back(nullptr);
  return env;
}

std::string describe(int status) {
  char buf[64];
  if (WIFEXITED(status)) std::snprintf(buf, sizeof buf, "exit:%d", WEXITSTATUS(status));
  else if (WIFSIGNALED(status)) std::snprintf(buf, sizeof buf, "signal:%d", WTERMSIG(status));
  else std::snprintf(buf, sizeof buf, "status:%d", status);
  return buf;
}

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& v, double p) {
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * v.size()));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  std::vector<char*> env = make_env(o.env);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, o.stdin_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  if (access(o.stdin_path.c_str(), R_OK) != 0) usage(("cannot read " + o.stdin_path).c_str());

  const int total = o.warmup + o.runs;
  std::unordered_map<pid_t, std::pair<int, double>> running;  // pid -> (index, start)
  std::vector<double> times, minflt;
  times.reserve(o.runs);
  minflt.reserve(o.runs);
  int started = 0, failures = 0;
  std::string first_failure = "none";
  double wall_start = 0;

  for (int reaped = 0; reaped < total;) {
    // Warmup runs go one at a time and finish before the timed ones start.
    int limit = started < o.warmup ? 1 : o.parallel;
    while (started < total && static_cast<int>(running.size()) < limit &&
           !(started == o.warmup && reaped < o.warmup)) {
      if (started == o.warmup) wall_start = now_ms();
      pid_t pid;
      double t0 = now_ms();
      int err = posix_spawnp(&pid, o.argv[0], &fa, nullptr, o.argv.data(), env.data());
      if (err != 0) {
        std::fprintf(stderr, "launch: cannot spawn %s: %s\n", o.argv[0], std::strerror(err));
        return 1;
      }
      running[pid] = {started++, t0};
    }
    int status;
    rusage ru;
    pid_t pid = wait4(-1, &status, 0, &ru);
    double t1 = now_ms();
    if (pid < 0) {
      if (errno == EINTR) continue;
      std::perror("launch: wait4");
      return 1;
    }
    auto it = running.find(pid);
    if (it == running.end()) continue;
    auto [index, t0] = it->second;
    running.erase(it);
    reaped++;
    if (index < o.warmup) continue;
    times.push_back(t1 - t0);
    minflt.push_back(static_cast<double>(ru.ru_minflt));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      if (failures++ == 0) first_failure = describe(status);
    }
  }
  double wall_ms = now_ms() - wall_start;

  auto median_of = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  };
  std::vector<double> s = times;
  std::sort(s.begin(), s.end());
  size_t n = s.size();
  double median = median_of(times);
  double mean = 0;
  for (double t : s) mean += t / n;
  std::printf("runs=%d\nparallel=%d\nfailures=%d\nfirst_failure=%s\n", o.runs, o.parallel,
              failures, first_failure.c_str());
  std::printf("median=%.4f\np99=%.4f\nmin=%.4f\nmax=%.4f\nmean=%.4f\n", median,
              percentile(s, 99), s.front(), s.back(), mean);
  std::printf("wall_s=%.4f\nper_s=%.2f\n", wall_ms / 1e3, o.runs / (wall_ms / 1e3));
  std::printf("minflt_median=%.1f\n", median_of(minflt));
  if (o.each) {
    for (auto [key, values] : {std::pair{"times_ms", &times}, std::pair{"minflt_each", &minflt}}) {
      std::printf("%s=", key);
      for (size_t k = 0; k < values->size(); k++)
        std::printf("%s%.4f", k ? "," : "", (*values)[k]);
      std::printf("\n");
    }
  }
  return 0;
}
