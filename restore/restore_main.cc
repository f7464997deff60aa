// restore [--verify] [--populate] [--no-learned] [--learned-reads] [--anon=exact|mapped] [--stop] [--trust]
// [--pid-ns] [-n N] [--env K=V]... [--clear-env] NAME [--] [ARGS...]: bring up a new instance of a snapshot,
// with the recorded invocation or, given ARGS, `--`, --env or --clear-env,
// the caller's (invocation.cc).
//
// Freestanding: no libc, no heap, no C++ runtime. Everything is validated
// before the first irreversible step (leaving the kernel's stack); after it
// an error still exits before anything of the program runs.
//
// Order (docs/DESIGN.md, "Restoring"): read and validate NAME.info, check every
// backing file and the vDSO, stage an invocation's strings in the window,
// switch to our own stack inside the window, park the vDSO/vvar in the
// window and unmap everything else outside it, map the snapshot, place the
// invocation's strings; in each instance the VmFlags fork drops
// (mapping_flags.cc), reopen fds, re-apply signal handlers, mm layout (brk,
// argv, auxv), cwd, umask, tid address, robust list, rseq and fs base,
// replay the recorded output, start the other threads, make the POSIX
// timers, and rt_sigreturn into the program.
//
// This file is the order of work and the irreversible part; checks.cc holds
// the validation, memory_map.cc the mapping of the snapshot (mapped or read
// in), mapping_flags.cc the recorded VmFlags and mlockall, invocation.cc
// the caller's argv and environment, threads.cc the other threads,
// timers.cc the timers, errors.cc the error and string helpers,
// pid_namespace.cc and program_exe.cc --pid-ns.
//
// Exit codes (README "Exit codes"): 2 usage (one line `restore: what; see
// restore --help`); 1 anything refused or failed; after the jump, the
// program's own.
#include <stddef.h>
#include <stdint.h>

#include "common/errno_text.h"
#include "common/exit_gadgets.h"
#include "restore/restorer.h"
#include "restore/sigframe.h"

extern "C" {
[[noreturn]] void run_on_stack(void* stack_top, void (*fn)(void*), void* arg);
[[noreturn]] void sigreturn_to(void* rsp);
[[noreturn]] void stop_then_sigreturn(void* rsp, long pid);
[[noreturn]] void restore_main(uint64_t* initial_sp);
}

namespace snappy::restorer {

char g_info_path[4096 + 8];
char g_pages_path[4096 + 8];
int g_file_fds[kMaxFiles];
constinit State g;

namespace {

// The program's code at `address` (inside one of its mappings with
// `prot`), if the snapshot says it has `size` bytes there.
const uint8_t* program_code(uint64_t address, uint64_t* available) {
  for (uint32_t i = 0; i < g.process->mapping_count; ++i) {
    const MappingRecord& m = g.view.mapping(g.process->first_mapping + i);
    if (address < m.start || address >= m.end) continue;
    bool mapped = m.base == kBaseFile || (m.base == kBaseVdso && !(g.process->flags & kProcessNoVdso));
    if (!mapped || (m.prot & (sys::kProtRead | sys::kProtExec)) != (sys::kProtRead | sys::kProtExec)) return nullptr;
    *available = m.end - address;
    return reinterpret_cast<const uint8_t*>(address);
  }
  return nullptr;
}

}  // namespace

// Where the program's signal frame goes so that restore can unmap itself
// first: below the program's stack pointer and its red zone, as the kernel
// places a signal frame. 0 if the program offers no gadgets or no room.
uint64_t program_frame_address(const ThreadRecord& t) {
  const ProcessRecord& p = *g.process;
  uint64_t n1 = 0, n2 = 0;
  const uint8_t* g1 = p.syscall_gadget ? program_code(p.syscall_gadget, &n1) : nullptr;
  const uint8_t* g2 = p.sigreturn_gadget ? program_code(p.sigreturn_gadget, &n2) : nullptr;
  if (!g1 || !g2) return 0;
  // The bytes, read now that the program is mapped: the files were checked
  // for identity, and this confirms the code itself.
  if (!is_syscall_ret_gadget(g1, n1 < kGadgetCheckBytes ? n1 : kGadgetCheckBytes) ||
      !is_sigreturn_gadget(g2, n2 < kGadgetCheckBytes ? n2 : kGadgetCheckBytes)) {
    return 0;
  }
  uint64_t size = restorer::frame_size(t.xsave.size);
  uint64_t rsp = t.regs[kRsp];
  if (rsp < size + 128 + 64) return 0;
  uint64_t frame = (rsp - 128 - size) & ~uint64_t{63};
  return writable_at(frame, rsp - frame) ? frame : 0;
}

namespace {

alignas(16) uint8_t g_stack[256 << 10];
alignas(64) uint8_t g_frame[sizeof(restorer::RtSigframe) + 64 + kMaxXsaveSize + 64];

// ---- the irreversible part --------------------------------------------------

// Moves (or with --no-vdso removes) the kernel's vDSO and vvar mappings to
// the window, so that nothing of ours is outside it.
void park_special_mappings() {
  for (uint32_t i = 0; i < g.process->mapping_count; ++i) {
    const MappingRecord& m = g.view.mapping(g.process->first_mapping + i);
    if (m.base != kBaseVvar && m.base != kBaseVdso) continue;
    uint64_t size = m.end - m.start;
    if (g.process->flags & kProcessNoVdso) continue;
    uint64_t current = g.current_vdso + (m.start - g.recorded_vdso);
    uint64_t parked = kParkedSpecial + 0x100000 + (m.start - g.recorded_vdso);
    check(sys::mremap(current, size, size, sys::kMremapMaymove | sys::kMremapFixed, parked), "moving the vDSO");
  }
}

void clear_address_space() {
  // Everything outside the window: the kernel's stack, and with --no-vdso
  // the vDSO and vvar too. Unmapping nothing is not an error.
  check(sys::munmap(0, kWindowStart), "clearing the address space");
  check(sys::munmap(kWindowEnd, kUserAddressEnd - kWindowEnd), "clearing the address space");
}

constexpr const char* kRlimitNames[kRlimitCount] = {
    "RLIMIT_CPU",     "RLIMIT_FSIZE",  "RLIMIT_DATA",       "RLIMIT_STACK",    "RLIMIT_CORE",  "RLIMIT_RSS",
    "RLIMIT_NPROC",   "RLIMIT_NOFILE", "RLIMIT_MEMLOCK",    "RLIMIT_AS",       "RLIMIT_LOCKS", "RLIMIT_SIGPENDING",
    "RLIMIT_MSGQUEUE", "RLIMIT_NICE",  "RLIMIT_RTPRIO",     "RLIMIT_RTTIME"};

// A program that set RLIMIT_NOFILE itself may hold fds above the caller's
// soft limit (check_fd_limit allows up to the hard one): the soft limit
// goes up to the hard one while they are placed, and apply_kernel_state
// then sets the program's own.
void open_up_fd_limit() {
  if (!(g.process->rlimits_set & (1u << kRlimitNofile))) return;
  sys::Rlimit now;
  check(sys::prlimit(kRlimitNofile, nullptr, &now), "RLIMIT_NOFILE");
  if (now.cur == now.max) return;
  now.cur = now.max;
  check(sys::prlimit(kRlimitNofile, &now, nullptr), "RLIMIT_NOFILE");
}

// The coredump_filter the program wrote (the JVM ORs in the file-backed
// bits): written into restore's own mm, which becomes the instance's, before
// the irreversible part, so a failure refuses the snapshot cleanly. A
// program that never wrote it keeps the caller's, as a cold run inherits it.
// The kernel parses the text with kstrtoul(base 0) (fs/proc/base.c).
void apply_coredump_filter() {
  const ProcessRecord& p = *g.process;
  if (!(p.flags & kProcessCoredumpFilter)) return;
  constexpr const char* kPath = "/proc/self/coredump_filter";
  Text value;
  value.hex(p.coredump_filter);
  Text what;
  what.add(kPath).add(": writing ").add(value.c_str());
  long fd = sys::open(kPath, sys::kO_WRONLY | sys::kO_CLOEXEC);
  if (sys::is_error(fd)) die_errno(what.c_str(), fd);
  long n = sys::write(int(fd), value.c_str(), length(value.c_str()));
  sys::close(int(fd));
  if (sys::is_error(n)) die_errno(what.c_str(), n);
  if (size_t(n) != length(value.c_str())) die(what.c_str(), "short write");
}

void apply_kernel_state() {
  const ProcessRecord& p = *g.process;
  const ThreadRecord& t = *g.thread;
  for (uint32_t i = 0; i < p.sigaction_count; ++i) {
    const SigactionRecord& s = g.view.sigaction(p.first_sigaction + i);
    sys::KernelSigaction act{s.handler, s.flags, s.restorer, s.mask};
    if (long e = sys::rt_sigaction(int(s.signo), &act, nullptr); sys::is_error(e)) {
      Text what;
      die_errno(what.add("signal ").number(s.signo).add(": restoring its handler").c_str(), e);
    }
  }
  // struct prctl_mm_map (linux/prctl.h): brk where the program left it,
  // argv/envp/auxv where /proc/PID/cmdline and friends should find them.
  struct {
    MmLayout mm;
    uint64_t auxv;
    uint32_t auxv_size;
    uint32_t exe_fd;
  } mm_map = {p.mm, reinterpret_cast<uint64_t>(g.view.blob(p.auxv)), uint32_t(p.auxv.size), uint32_t(-1)};
  static_assert(sizeof(mm_map) == 104, "struct prctl_mm_map");
  apply_invocation(mm_map.mm);
  if (g.pid_ns) mm_map.exe_fd = uint32_t(open_program_exe());  // /proc/self/exe (program_exe.cc)
  check(sys::prctl(sys::kPrSetMm, sys::kPrSetMmMap, long(&mm_map), sizeof(mm_map), 0), "setting the memory layout (PR_SET_MM_MAP)");
  if (g.pid_ns) sys::close(int(mm_map.exe_fd));
  sys::umask(int(p.umask));
  // MMF_DISABLE_THP belongs to the mm, which is restore's own: set it as
  // the program left it. Never cleared: fork and exec keep it, so a caller
  // that has it set gives it to a cold run as well.
  if (p.flags & kProcessThpDisabled) check(sys::prctl(41 /* PR_SET_THP_DISABLE */, 1, 0, 0, 0), "disabling transparent huge pages (PR_SET_THP_DISABLE)");
  // Resource limits: a cold run inherits the caller's and changes only
  // those it sets itself, so only the limits the program set are applied
  // (ProcessRecord::rlimits_set), each at most the caller's hard limit:
  // restore never raises a hard limit (root could), and a soft limit the
  // caller lowered (ulimit -t, -f) stays lowered for the instance.
  for (uint32_t r = 0; r < kRlimitCount; ++r) {
    if (!(p.rlimits_set & (1u << r))) continue;
    sys::Rlimit now;
    check(sys::prlimit(int(r), nullptr, &now), kRlimitNames[r]);
    sys::Rlimit want{p.rlimits[r].cur, p.rlimits[r].max < now.max ? p.rlimits[r].max : now.max};
    if (want.cur > want.max) want.cur = want.max;
    if (want.cur != now.cur || want.max != now.max) check(sys::prlimit(int(r), &want, nullptr), kRlimitNames[r]);
  }
  char comm[sizeof(p.comm)];
  for (size_t i = 0; i < sizeof(comm); ++i) comm[i] = p.comm[i];
  comm[sizeof(comm) - 1] = 0;  // the name ps shows; at most 15 bytes
  if (comm[0]) sys::prctl(15 /* PR_SET_NAME */, long(comm), 0, 0, 0);
  // Checked before the irreversible part (check_cwd); this fails only if
  // it changed since. An invocation runs in the caller's cwd, as a cold
  // run would, even a deleted one.
  if (long e = g.invocation.given ? 0 : sys::chdir(g.view.string(p.cwd)); sys::is_error(e)) {
    Text what;
    die_errno(what.add("cwd ").add(g.view.string(p.cwd)).c_str(), e);
  }

  long tid = sys::set_tid_address(t.tid_address);
  // glibc caches the tid in struct pthread, at the very address it gave
  // set_tid_address: the new process has a new tid.
  if (t.tid_address) *reinterpret_cast<volatile uint32_t*>(t.tid_address) = uint32_t(tid);
  if (t.robust_list) check(sys::set_robust_list(t.robust_list, t.robust_list_len), "set_robust_list");
  if (t.rseq_addr) check(sys::rseq(t.rseq_addr, t.rseq_len, 0, t.rseq_sig), "registering rseq");
  check(sys::arch_prctl(sys::kArchSetFs, t.regs[kFsBase]), "setting fs base");
  if (t.regs[kGsBase]) check(sys::arch_prctl(sys::kArchSetGs, t.regs[kGsBase]), "setting gs base");
}

// A replay write met a closed pipe (EPIPE). The program wrote this output
// before its snapshot point and went on; started cold here, it would have
// got SIGPIPE (blocked now, so pending) and died of it, unless it ignores
// or handles SIGPIPE, when it would have seen EPIPE and reacted in its own
// way, which nothing can replay: then restore fails with one line.
[[noreturn]] void replay_met_closed_pipe(const char* what) {
  constexpr int kSigpipe = 13;
  sys::KernelSigaction now;
  if (!sys::is_error(sys::rt_sigaction(kSigpipe, nullptr, &now)) && now.handler == 0 /* SIG_DFL */) {
    uint64_t pipe_only = ~(uint64_t{1} << (kSigpipe - 1));
    sys::kill(int(sys::getpid()), kSigpipe);  // pending already; to be sure
    sys::rt_sigprocmask(sys::kSigSetmask, &pipe_only, nullptr);  // dies here, as a cold run would
  }
  die_errno(what, -32);
}

// The output the program wrote before its snapshot point, written again in
// full: a non-blocking stdout that is full (EAGAIN) is waited for, a short
// write goes on; an error that a cold run would have met fails restore
// before the program runs (a cold run would have seen it too, instead of
// carrying on with its output cut).
void replay_output() {
  for (uint32_t i = 0; i < g.process->output_count; ++i) {
    const OutputRecord& o = g.view.output(g.process->first_output + i);
    const char* what = o.fd == 1 ? "replaying output to stdout" : "replaying output to stderr";
    const uint8_t* data = g.view.blob(o.data);
    uint64_t left = o.data.size;
    while (left > 0) {
      long n = sys::write(int(o.fd), data, left);
      if (n > 0) {
        data += n;
        left -= uint64_t(n);
      } else if (n == -11) {  // EAGAIN: O_NONBLOCK and full; every signal is blocked, so no EINTR
        sys::PollFd p{int(o.fd), sys::kPollOut, 0};
        long ready = sys::poll(&p, 1, -1);
        if (sys::is_error(ready) && ready != -4) die_errno(what, ready);
      } else if (n == -32) {
        replay_met_closed_pipe(what);
      } else if (n == 0) {
        die(what, "the output accepts no more bytes");
      } else if (n != -4) {  // EINTR: again
        die_errno(what, n);
      }
    }
  }
}

// restore --stop: tell how to attach, then stop just before rt_sigreturn.
// The window stays mapped (the debugger steps through its last
// instructions).
[[noreturn]] void stop_for_debugger(restorer::RtSigframe* frame) {
  char pid[12];
  long self = sys::getpid();
  const char* exe = g.view.string(g.process->exe);
  size_t digits = decimal(uint64_t(self), pid);
  const char* parts[] = {"restore: instance ", nullptr, " stopped at its snapshot point; attach with: gdb -p ",
                         nullptr, " ", exe,
                         "\n  (gdb first reports the SIGSTOP; `stepi` until rip leaves 0x2000... enters the program at its trigger)\n"};
  sys::IoVec iov[7];
  for (int i = 0; i < 7; ++i) iov[i] = parts[i] ? sys::IoVec{parts[i], length(parts[i])} : sys::IoVec{pid, digits};
  sys::writev(2, iov, 7);
  stop_then_sigreturn(&frame->uc, self);
}

[[noreturn]] void jump_into_program() {
  restore_caller_capabilities();
  const uint8_t* xsave = g.view.blob(g.thread->xsave);
  uint64_t xcr0 = g.view.header().xcr0;
  if (g.stop) stop_for_debugger(restorer::build_thread_frame(g_frame, *g.thread, xsave, xcr0, 0));
  if (uint64_t at = g.window_stays ? 0 : program_frame_address(*g.thread)) {
    // Two steps, neither from inside the window: the gadget unmaps it and
    // returns into the sigreturn gadget, which loads the program's frame.
    restorer::build_thread_frame(reinterpret_cast<uint8_t*>(at), *g.thread, xsave, xcr0, g.process->sigreturn_gadget);
    restorer::RtSigframe* exit = restorer::build_exit_frame(g_frame, *g.thread, g.process->syscall_gadget, at);
    sigreturn_to(&exit->uc);
  }
  // No gadgets: resume directly; restore's window stays mapped.
  restorer::RtSigframe* frame = restorer::build_thread_frame(g_frame, *g.thread, xsave, xcr0, 0);
  sigreturn_to(&frame->uc);
}

// -n N: the snapshot is mapped once, here, and N children forked from this
// address space become the instances (fork copies mappings, not pages: the
// children share them copy-on-write like N separate restores would). Each
// child reopens its own fds, so no two share a file offset. This process
// stays behind to wait for them. If a fork fails (RLIMIT_NPROC, memory),
// no more are started, and those already running are waited for like the
// others (their work is done in full, none is left behind unwaited):
// restore then reports every instance that did not run or did not succeed.
constexpr uint32_t kMaxInstances = 100000;  // parse_count's bound
int32_t g_instance_pids[kMaxInstances];

[[noreturn]] void launch_instances() {
  uint32_t started = 0;
  long fork_error = 0;
  for (; started < g.instances; ++started) {
    long pid = g.pid_ns ? clone_pid_namespace() : sys::fork();
    if (pid == 0 && g.pid_ns) become_namespace_init();
    if (pid == 0) become_instance();
    if (sys::is_error(pid)) {
      fork_error = pid;
      break;
    }
    g_instance_pids[started] = int32_t(pid);
  }
  uint32_t failed = 0;
  for (uint32_t i = 0; i < started; ++i) {
    int status = 0;
    long r;
    do {
      r = sys::wait4(g_instance_pids[i], &status, 0);
    } while (r == -4);  // EINTR
    if (sys::is_error(r)) die_errno("waiting for the instances", r);
    if (status != 0) ++failed;
  }
  uint32_t not_started = g.instances - started;
  if (failed || not_started) {
    // restore: 3 of 20 instances failed (exit status or signal)
    // restore: 18 of 20 instances failed (17 not started: Resource
    //   temporarily unavailable; 1 by exit status or signal)
    Text line;
    line.add("restore: ").number(failed + not_started).add(" of ").number(g.instances).add(" instances failed (");
    if (not_started) {
      const char* why = errno_text(-fork_error);
      line.number(not_started).add(" not started: ").add(why ? why : "fork failed");
      if (failed) line.add("; ").number(failed).add(" by exit status or signal");
    } else {
      line.add("exit status or signal");
    }
    line.add(")\n");
    sys::write(2, line.c_str(), length(line.c_str()));
    sys::exit_group(1);
  }
  sys::exit_group(0);
}

void continue_on_own_stack(void*) {
  park_special_mappings();
  clear_address_space();
  map_snapshot();
  place_invocation();  // before the forks: every instance gets the same one
  if (g.pid_ns) make_own_image_anonymous();  // before the forks too (program_exe.cc)
  if (g.instances > 1) launch_instances();
  if (g.pid_ns) become_namespace_init();
  become_instance();
}

// A usage error: `restore: <what><arg>; see restore --help`, exit 2.
[[noreturn]] void usage(const char* what, const char* arg = "") {
  sys::IoVec iov[] = {{"restore: ", 9}, {what, length(what)}, {arg, length(arg)}, {"; see restore --help\n", 21}};
  sys::writev(2, iov, 4);
  sys::exit_group(2);
}

// --help: on stdout, exit 0.
[[noreturn]] void help() {
  static const char text[] =
      "usage: restore [--verify] [--populate] [--no-learned] [--learned-reads] [--anon=exact|mapped]\n"
      "               [--stop] [--trust] [--pid-ns] [-n N] [--env K=V]... [--clear-env] NAME [--] [ARGS...]\n"
      "  maps NAME.info + NAME.pages and resumes the program; --verify hashes all\n"
      "  content, --populate copies stored writable pages up front, --no-learned\n"
      "  ignores the working set `snapinfo learn` stored (whose written pages are\n"
      "  otherwise copied up front), --learned-reads maps its read pages up front\n"
      "  too (slower where faults are cheap), --anon=exact reads the\n"
      "  stored pages into the instance's own memory (exact anonymous memory; a copy\n"
      "  per instance) instead of mapping them from NAME.pages (--anon=mapped,\n"
      "  the default), --stop waits for a debugger at the snapshot point,\n"
      "  --trust accepts files of other owners or writable by others, -n N\n"
      "  starts N instances (with --anon=exact they share one copy), --pid-ns\n"
      "  runs each in its own pid namespace with the recorded pid and tids\n"
      "  with nothing after NAME: the recorded argv, environment and cwd; with\n"
      "  ARGS (or `--` alone, --env, --clear-env): argv is the recorded argv[0]\n"
      "  and ARGS, the environment this one (--clear-env empties it, --env K=V\n"
      "  sets K), the cwd this one; options after NAME are the program's\n"
      "exit: 2 usage; 1 refused or failed (one line on stderr); else the program's\n";
  sys::write(1, text, sizeof(text) - 1);
  sys::exit_group(0);
}

bool has_equals(const char* s) {
  while (*s && *s != '=') ++s;
  return *s == '=';
}

// A decimal count for -n, 1..100000.
uint32_t parse_count(const char* text) {
  uint64_t n = 0;
  for (const char* s = text; *s; ++s) {
    if (*s < '0' || *s > '9' || n > 100000) usage("-n needs a count from 1 to 100000, not ", text);
    n = n * 10 + uint64_t(*s - '0');
  }
  if (n < 1 || n > 100000) usage("-n needs a count from 1 to 100000, not ", text);
  return uint32_t(n);
}

}  // namespace

// What each instance does for itself after the snapshot is mapped. The
// other threads start first; the main thread resumes last.
[[noreturn]] void become_instance() {
  apply_instance_flags();
  prefault_instance_memory();
  open_up_fd_limit();
  reopen_fds();
  apply_kernel_state();
  replay_output();
  start_threads();
  jump_into_program();
}

}  // namespace snappy::restorer

using namespace snappy;
using namespace snappy::restorer;

extern "C" void restore_main(uint64_t* initial_sp) {
  int argc = int(initial_sp[0]);
  char** argv = reinterpret_cast<char**>(initial_sp + 1);
  char** envp = argv + argc + 1;
  char** p = envp;
  while (*p) ++p;
  uint64_t* auxv = reinterpret_cast<uint64_t*>(p + 1);

  // Options, up to NAME. The --env values are gathered at the front of
  // argv's own array (each --env takes two slots and leaves one), so that
  // any number of them needs no room of ours.
  Invocation& inv = g.invocation;
  inv.sets = argv + 1;
  const char* name = nullptr;
  int i = 1;
  for (; i < argc && !name; ++i) {
    if (equal(argv[i], "--verify")) {
      g.verify = true;
    } else if (equal(argv[i], "--trust")) {
      g.trust = true;
    } else if (equal(argv[i], "--stop")) {
      g.stop = true;
    } else if (equal(argv[i], "--pid-ns")) {
      g.pid_ns = true;
    } else if (equal(argv[i], "--populate")) {
      g.populate = true;
    } else if (equal(argv[i], "--no-learned")) {
      g.use_learned = false;
    } else if (equal(argv[i], "--learned-reads")) {
      g.learned_reads = true;
    } else if (equal(argv[i], "--anon=exact")) {
      g.anon_exact = true;
    } else if (equal(argv[i], "--anon=mapped")) {
      g.anon_exact = false;
    } else if (cstr::starts_with(argv[i], "--anon")) {
      usage("--anon takes =exact or =mapped, not ", argv[i]);
    } else if (equal(argv[i], "-n")) {
      if (i + 1 == argc) usage("-n needs a value");
      g.instances = parse_count(argv[++i]);
    } else if (equal(argv[i], "--env")) {
      if (i + 1 == argc) usage("--env needs a value");
      const char* set = argv[++i];
      if (set[0] == '=' || !has_equals(set)) usage("--env needs K=V, not ", set);
      inv.sets[inv.set_count++] = argv[i];
      inv.given = true;
    } else if (equal(argv[i], "--clear-env")) {
      inv.clear_env = inv.given = true;
    } else if (equal(argv[i], "--help") || equal(argv[i], "-h")) {
      help();
    } else if (argv[i][0] == '-' && argv[i][1]) {
      usage("unknown option ", argv[i]);
    } else {
      name = argv[i];
    }
  }
  // Everything after NAME is the program's; a `--` right after it is
  // dropped.
  if (i < argc) {
    inv.given = true;
    if (equal(argv[i], "--")) ++i;
  }
  inv.args = argv + i;
  inv.arg_count = argc - i;
  inv.caller_env = envp;
  // --stop names the pid to attach to, which is the namespace's.
  if (g.pid_ns && g.stop) usage("--pid-ns cannot be combined with --stop");
  if (!name) usage("no snapshot NAME given");
  if (!*name) usage("empty snapshot NAME");
  if (length(name) > 4000) die(name, "snapshot name too long");
  concat(g_info_path, name, ".info");
  concat(g_pages_path, name, ".pages");

  read_info();
  check_cpu();
  open_files();
  check_exec_mounts();
  check_anon_names();
  check_memory_locks();
  check_droppable();
  apply_coredump_filter();
  if (g.verify) verify_contents();
  check_vdso(auxv);
  check_program_writes();
  check_fd_limit();
  check_timers();
  if (!inv.given) check_cwd();  // an invocation keeps the caller's
  stage_invocation();
  if (g.pid_ns) enter_user_namespace();  // restore stays outside; its child goes on
  // Until here a signal (Ctrl-C, SIGTERM) just ends restore. From here no
  // signal may run a program handler on our state before the jump; the
  // frame's mask replaces this one at rt_sigreturn.
  uint64_t all = ~0ull;
  sys::rt_sigprocmask(sys::kSigSetmask, &all, nullptr);
  run_on_stack(g_stack + sizeof(g_stack), continue_on_own_stack, nullptr);
}
