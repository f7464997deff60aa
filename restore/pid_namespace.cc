// restore --pid-ns: every instance runs with the recorded pid and tids, in
// a pid namespace of its own (docs/DESIGN.md, "Instances with the recorded
// pid"). Programs and glibc cache the ids they got before the snapshot
// point (struct pthread's tid, error-checking and recursive mutex owners,
// os.getpid()); without the flag an instance has new ones.
//
// The process tree, for `restore --pid-ns NAME` (caller's view):
//
//   caller ── restore (the caller's child: its $!; outside every new namespace)
//               └─ init  (pid 1 of a new pid + mount namespace, in a new
//                        user namespace; maps the snapshot)
//                    └─ the program (pid = the recorded pid, its threads
//                                    the recorded tids)
//
// With -n N the restore process's child is a plain process of the user
// namespace that maps the snapshot once; each instance is an init of its
// own pid namespace, made after the mapping, with its program below it.
//
// Who waits on whom: the program's parent is its init, which reaps it (and
// every orphan of the namespace) and reports each stop and the final status
// to restore through a pipe; restore mirrors them (stops itself, exits with
// the program's code or dies of its signal), so the caller sees what a cold
// run's caller sees. Signals sent to restore (kill $!) are forwarded to the
// init and by it to the program; a signal the kernel sends a whole process
// group (the terminal's SIGINT, SIGTSTP) already reaches the program itself
// and is not forwarded again (si_code SI_KERNEL).
//
// Kernel facts used (Linux 5.5+ for clone3 set_tid):
//  - a process in a user namespace it made may write its own one-line
//    uid_map; a parent outside with CAP_SETUID in its namespace (root) may
//    map the whole range (user_namespaces(7)). restore writes the child's
//    maps from outside, so root's instance sees every file's owner.
//  - clone3 with set_tid needs CAP_SYS_ADMIN in the user namespace owning
//    the pid namespace, which the init and the program have until they drop
//    to the caller's capabilities (restore_caller_capabilities).
//  - the init of a pid namespace gets only signals it has a handler for or
//    blocks (kernel/signal.c sig_ignored: blocked ones are never ignored);
//    it blocks all and reads them from a signalfd. When it exits, the kernel
//    kills everything left in its namespace.
#include "common/errno_text.h"
#include "restore/restorer.h"

namespace snappy::restorer {

namespace {

constexpr int kSigchld = 17, kSigkill = 9, kSigstop = 19, kSigcont = 18;
constexpr int kWnohang = 1, kWuntraced = 2, kWcontinued = 8, kWall = 0x40000000;
constexpr int kPrSetPdeathsig = 1, kPrCapbsetRead = 23, kPrCapbsetDrop = 24, kPrCapAmbient = 47;
constexpr long kCapAmbientIsSet = 1, kCapAmbientRaise = 2;
constexpr int kLastCap = 63;

// The capabilities restore had from its caller, before the user namespace
// gave it a full set there: what a cold run of the program would have had
// (restore, like the program, is exec'd by the caller without file
// capabilities).
sys::CapData g_caller_caps[2];
uint64_t g_caller_bounding, g_caller_ambient;

bool stopped(int status) { return (status & 0xff) == 0x7f; }
bool continued(int status) { return status == 0xffff; }
bool exited(int status) { return (status & 0x7f) == 0; }
int exit_code(int status) { return (status >> 8) & 0xff; }
int term_signal(int status) { return status & 0x7f; }

void remember_caller_capabilities() {
  sys::CapHeader header{sys::kCapabilityVersion3, 0};
  check(sys::capget(&header, &g_caller_caps), "--pid-ns: reading the capabilities (capget)");
  for (int cap = 0; cap <= kLastCap; ++cap) {
    long in_bounding = sys::prctl(kPrCapbsetRead, cap, 0, 0, 0);
    if (sys::is_error(in_bounding)) break;  // EINVAL past the kernel's last capability
    if (in_bounding) g_caller_bounding |= uint64_t{1} << cap;
    if (sys::prctl(kPrCapAmbient, kCapAmbientIsSet, cap, 0, 0) == 1) g_caller_ambient |= uint64_t{1} << cap;
  }
}

// Writes `text` to /proc/PID/<file>; the error, or 0.
long write_proc(int pid, const char* file, const char* text) {
  Text path;
  path.add("/proc/").number(uint64_t(pid)).add("/").add(file);
  long fd = sys::open(path.c_str(), sys::kO_WRONLY | sys::kO_CLOEXEC);
  if (sys::is_error(fd)) return fd;
  long n = sys::write(int(fd), text, length(text));
  sys::close(int(fd));
  return sys::is_error(n) ? n : 0;
}

// Identity maps for the child's user namespace: the whole range if restore
// may write it (root), else the caller's own ids (setgroups denied, as the
// kernel requires of an unprivileged gid_map).
long write_id_maps(int child) {
  if (sys::geteuid() == 0 && write_proc(child, "uid_map", "0 0 4294967295\n") == 0) {
    return write_proc(child, "gid_map", "0 0 4294967295\n");
  }
  Text uid, gid;
  uint64_t euid = uint64_t(sys::geteuid()), egid = uint64_t(sys::syscall0(108 /* getegid */));
  uid.number(euid).add(" ").number(euid).add(" 1\n");
  gid.number(egid).add(" ").number(egid).add(" 1\n");
  if (long e = write_proc(child, "uid_map", uid.c_str()); e) return e;
  if (long e = write_proc(child, "setgroups", "deny"); e) return e;
  return write_proc(child, "gid_map", gid.c_str());
}

// Closes every fd but `keep` (-1: none) and `keep2`: restore and the init
// hold none of the caller's fds once the program has its copies, so that a
// pipe's other end sees EOF or EPIPE when the program closes its fd, as
// with a cold run. close_range(2), Linux 5.9.
void close_all_but(int keep, int keep2) {
  int a = keep < keep2 ? keep : keep2, b = keep < keep2 ? keep2 : keep;
  auto close_range = [](long first, long last) {
    if (first <= last) sys::close_range(unsigned(first), unsigned(last), 0);
  };
  long next = 0;
  const int kept[2] = {a, b};
  for (int k : kept) {
    if (k < 0) continue;
    close_range(next, k - 1);
    next = k + 1;
  }
  close_range(next, 0x7fffffff);
}

void block_all_signals() {
  uint64_t all = ~0ull;
  sys::rt_sigprocmask(sys::kSigSetmask, &all, nullptr);
}

// Every signal restore or an init may be sent, read from a signalfd.
int open_signalfd() {
  uint64_t all = ~0ull;
  return int(check(sys::signalfd4(-1, &all, sys::kO_CLOEXEC), "--pid-ns: signalfd"));
}

[[noreturn]] void die_of_signal(int sig) {
  sys::KernelSigaction dfl{};
  sys::rt_sigaction(sig, &dfl, nullptr);
  uint64_t only = ~(uint64_t{1} << (sig - 1));
  sys::kill(int(sys::getpid()), sig);
  sys::rt_sigprocmask(sys::kSigSetmask, &only, nullptr);  // dies here
  sys::exit_group(128 + sig);  // a signal whose default is to carry on
}

[[noreturn]] void end_like(int status) {
  if (exited(status)) sys::exit_group(exit_code(status));
  die_of_signal(term_signal(status));
}

// restore, outside the namespaces: forwards the signals sent to it and
// mirrors what the init reports of the program, until the init is gone.
[[noreturn]] void mirror_instance(int child, int reports) {
  int signals = open_signalfd();
  close_all_but(signals, reports);
  bool have_final = false;
  int final_status = 0;
  for (;;) {
    sys::PollFd fds[2] = {{signals, 1 /* POLLIN */, 0}, {reports, 1, 0}};
    long ready = sys::poll(fds, reports >= 0 ? 2 : 1, -1);
    if (ready == -4) continue;
    check(ready, "--pid-ns: waiting for the instance");
    if (reports >= 0 && fds[1].revents) {
      int status;
      long n = sys::read(reports, &status, sizeof status);
      if (n == sizeof status && stopped(status)) {
        sys::kill(int(sys::getpid()), kSigstop);  // the caller's shell sees the job stop
      } else if (n == sizeof status && !continued(status)) {
        have_final = true;
        final_status = status;
      } else if (n <= 0) {
        sys::close(reports);
        reports = -1;
      }
    }
    if (!fds[0].revents) continue;
    sys::SignalfdSiginfo info;
    if (sys::read(signals, &info, sizeof info) != sizeof info) continue;
    int sig = int(info.signo);
    if (sig != kSigchld) {
      if (info.code != sys::kSiKernel) sys::kill(child, sig);
      continue;
    }
    int status = 0;
    long r = sys::wait4(child, &status, kWnohang);
    if (r != child) continue;
    // The init's own end: a report it wrote (the program's), else its own
    // (a failure before the program ran has printed its line and exited 1).
    if (reports >= 0) {
      int last;
      while (sys::read(reports, &last, sizeof last) == sizeof last) {
        if (!stopped(last) && !continued(last)) have_final = true, final_status = last;
      }
    }
    end_like(have_final ? final_status : status);
  }
}

}  // namespace

void enter_user_namespace() {
  if (g.process->pid == 1) {
    die("--pid-ns", "the recorded pid is 1, which each namespace's init holds (record the program as an ordinary process)");
  }
  // restore's main thread becomes the leader, thread 0 (ptracer refuses a
  // snapshot whose leader had exited), with the process's pid as its tid.
  if (g.view.thread(g.process->first_thread).tid != g.process->pid) {
    die("--pid-ns", "the snapshot's first thread is not its thread-group leader");
  }
  remember_caller_capabilities();
  int sync[2], reports[2];
  check(sys::pipe2(sync, sys::kO_CLOEXEC), "--pid-ns: pipe");
  check(sys::pipe2(reports, sys::kO_CLOEXEC), "--pid-ns: pipe");
  // One instance: its init is this child, made with every namespace at
  // once. -n N: this child maps the snapshot and makes the N inits.
  sys::CloneArgs args{};
  args.flags = sys::kCloneNewuser | (g.instances == 1 ? sys::kCloneNewpid | sys::kCloneNewns : 0);
  args.exit_signal = kSigchld;
  long child = sys::clone3(&args);
  if (sys::is_error(child)) die_errno("--pid-ns needs unprivileged user namespaces", child);
  if (child == 0) {
    // At once: an init drops the signals it neither blocks nor handles, and
    // restore forwards to it as soon as the maps are written.
    block_all_signals();
    sys::close(sync[1]);
    sys::close(reports[0]);
    sys::prctl(kPrSetPdeathsig, kSigkill, 0, 0, 0);  // restore killed: the namespace goes too
    char go;
    if (sys::read(sync[0], &go, 1) != 1) sys::exit_group(1);  // restore failed and said why
    sys::close(sync[0]);
    g.report_fd = g.instances == 1 ? reports[1] : -1;
    if (g.instances != 1) sys::close(reports[1]);
    return;
  }
  sys::close(sync[0]);
  sys::close(reports[1]);
  if (long e = write_id_maps(int(child)); e) {
    sys::kill(int(child), kSigkill);
    int status;
    sys::wait4(int(child), &status, 0);
    die_errno("--pid-ns needs unprivileged user namespaces: writing the id maps", e);
  }
  block_all_signals();  // before the child can run: nothing sent to restore is lost
  sys::write(sync[1], "x", 1);
  sys::close(sync[1]);
  if (g.instances != 1) sys::close(reports[0]);
  mirror_instance(int(child), g.instances == 1 ? reports[0] : -1);
}

long clone_pid_namespace() {
  sys::CloneArgs args{};
  args.flags = sys::kCloneNewpid | sys::kCloneNewns;
  args.exit_signal = kSigchld;
  return sys::clone3(&args);
}

[[noreturn]] void become_namespace_init() {
  // /proc of this namespace, so that /proc/self and /proc/PID name the
  // instance. The new mount namespace's mounts are made private first: the
  // proc mount must not propagate back to the caller's.
  check(sys::mount(nullptr, "/", nullptr, sys::kMsRec | sys::kMsPrivate), "--pid-ns: making the mounts private");
  check(sys::mount("proc", "/proc", "proc", sys::kMsNosuid | sys::kMsNodev | sys::kMsNoexec), "--pid-ns: mounting /proc");
  int32_t pid = int32_t(g.process->pid);
  sys::CloneArgs args{};
  args.exit_signal = kSigchld;
  args.set_tid = uint64_t(&pid);
  args.set_tid_size = 1;
  long program = sys::clone3(&args);
  if (sys::is_error(program)) {
    Text what;
    die_errno(what.add("--pid-ns: starting the program as pid ").number(uint64_t(pid)).c_str(), program);
  }
  if (program == 0) {
    if (g.report_fd >= 0) sys::close(g.report_fd);
    become_instance();
  }
  // Signals sent before now are pending (all blocked) and read here too.
  int signals = open_signalfd();
  close_all_but(signals, g.report_fd);
  for (;;) {
    sys::SignalfdSiginfo info;
    long n = sys::read(signals, &info, sizeof info);
    if (n != sizeof info) continue;
    int sig = int(info.signo);
    if (sig != kSigchld) {
      if (info.code != sys::kSiKernel) sys::kill(int(program), sig);
      continue;
    }
    for (;;) {
      int status = 0;
      long r = sys::wait4(-1, &status, kWnohang | kWuntraced | kWcontinued | kWall);
      if (r <= 0) break;
      if (r != program) continue;  // an orphan of the namespace, reaped
      if (g.report_fd >= 0) sys::write(g.report_fd, &status, sizeof status);
      if (stopped(status) || continued(status)) continue;
      // -n N counts an instance as failed by this status.
      sys::exit_group(exited(status) ? exit_code(status) : 128 + term_signal(status));
    }
  }
}

void restore_caller_capabilities() {
  if (!g.pid_ns) return;
  for (int cap = 0; cap <= kLastCap; ++cap) {
    if (g_caller_bounding & (uint64_t{1} << cap)) continue;
    long e = sys::prctl(kPrCapbsetDrop, cap, 0, 0, 0);
    if (e == -22 /* EINVAL: past the kernel's last capability */) break;
    check(e, "--pid-ns: dropping a capability from the bounding set");
  }
  sys::CapHeader header{sys::kCapabilityVersion3, 0};
  check(sys::capset(&header, &g_caller_caps), "--pid-ns: setting the caller's capabilities (capset)");
  for (int cap = 0; cap <= kLastCap; ++cap) {
    if (g_caller_ambient & (uint64_t{1} << cap)) sys::prctl(kPrCapAmbient, kCapAmbientRaise, cap, 0, 0);
  }
}

}  // namespace snappy::restorer
