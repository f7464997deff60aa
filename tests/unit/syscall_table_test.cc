#include "common/syscall_table.h"
#include "ptracer/rule_program.h"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <set>
#include <stdexcept>

#include <gtest/gtest.h>

namespace snappy {
namespace {

constexpr uint64_t kX32Bit = 0x40000000;

const SyscallRule* rule_for(long nr, std::initializer_list<uint64_t> a) {
  uint64_t args[6] = {};
  size_t i = 0;
  for (uint64_t v : a) args[i++] = v;
  return find_rule(nr, args);
}

::testing::AssertionResult is_model(const SyscallRule* r, ModelHandler h) {
  if (!r) return ::testing::AssertionFailure() << "no rule (trigger)";
  if (r->action != SyscallAction::kModel || r->handler != h) {
    return ::testing::AssertionFailure() << "rule for " << syscall_name(r->nr)
                                         << " is not the expected model rule";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult is_allow(const SyscallRule* r) {
  if (!r) return ::testing::AssertionFailure() << "no rule (trigger)";
  if (r->action != SyscallAction::kAllow) return ::testing::AssertionFailure() << "model rule";
  return ::testing::AssertionSuccess();
}

TEST(SyscallTable, RuleLookup) {
  const uint64_t cwd = static_cast<uint64_t>(AT_FDCWD);
  EXPECT_TRUE(is_model(rule_for(SYS_openat, {cwd, 0, O_RDONLY | O_CLOEXEC}), ModelHandler::kOpen));
  EXPECT_TRUE(is_model(rule_for(SYS_openat, {cwd, 0, O_RDONLY | O_DIRECTORY}), ModelHandler::kOpen));
  EXPECT_EQ(rule_for(SYS_openat, {cwd, 0, O_WRONLY | O_CREAT}), nullptr);
  EXPECT_TRUE(is_model(rule_for(SYS_openat, {cwd, 0, O_RDWR}), ModelHandler::kOpen));
  EXPECT_TRUE(is_model(rule_for(SYS_openat, {cwd, 0, O_WRONLY | O_APPEND}), ModelHandler::kOpen));
  EXPECT_EQ(rule_for(SYS_openat, {cwd, 0, O_ACCMODE}), nullptr);
  EXPECT_EQ(rule_for(SYS_openat, {cwd, 0, O_RDWR | O_TRUNC}), nullptr);
  EXPECT_EQ(rule_for(SYS_openat, {cwd, 0, O_RDONLY | O_CREAT}), nullptr);
  EXPECT_EQ(rule_for(SYS_openat, {cwd, 0, O_RDONLY | O_TRUNC}), nullptr);
  EXPECT_EQ(rule_for(SYS_openat, {cwd, 0, O_TMPFILE | O_RDWR}), nullptr);
  // The kernel reads an fd's lower half only: 0x100000000 is fd 0, so a
  // range rule ("fd >= 3") must not take it.
  EXPECT_TRUE(is_allow(rule_for(SYS_read, {3})));
  EXPECT_EQ(rule_for(SYS_read, {0x100000000ull}), nullptr);
  EXPECT_EQ(rule_for(SYS_read, {0x100000003ull}), nullptr);
  EXPECT_EQ(rule_for(SYS_readv, {0x100000001ull}), nullptr);
  EXPECT_EQ(rule_for(SYS_lseek, {0x100000000ull, 0, SEEK_CUR}), nullptr);
  EXPECT_EQ(rule_for(SYS_write, {0x100000001ull}), nullptr);
  EXPECT_EQ(rule_for(SYS_writev, {0x100000005ull}), nullptr);
  EXPECT_TRUE(is_model(rule_for(SYS_open, {0, O_RDONLY}), ModelHandler::kOpen));
  EXPECT_TRUE(is_model(rule_for(SYS_open, {0, O_WRONLY}), ModelHandler::kOpen));
  EXPECT_EQ(rule_for(SYS_open, {0, O_WRONLY | O_CREAT}), nullptr);
  EXPECT_EQ(rule_for(SYS_creat, {0, 0644}), nullptr);

  EXPECT_TRUE(is_allow(rule_for(SYS_brk, {0})));
  EXPECT_TRUE(is_model(rule_for(SYS_brk, {0x1000000}), ModelHandler::kBrk));

  EXPECT_TRUE(is_model(rule_for(SYS_write, {1, 0, 5}), ModelHandler::kWriteOutput));
  EXPECT_TRUE(is_model(rule_for(SYS_write, {2, 0, 5}), ModelHandler::kWriteOutput));
  EXPECT_TRUE(is_model(rule_for(SYS_writev, {1, 0, 1}), ModelHandler::kWriteOutput));
  // fd > 2: the handler lets writes into the program's own pipes and
  // eventfds through and triggers at any other.
  EXPECT_TRUE(is_model(rule_for(SYS_write, {5, 0, 5}), ModelHandler::kWriteInternal));
  // mkdir is traced only so that the JVM's perf-data directory can be made
  // to fail; the handler makes every other mkdir a trigger.
  EXPECT_TRUE(is_model(rule_for(SYS_mkdir, {0, 0755}), ModelHandler::kMkdir));
  EXPECT_TRUE(is_model(rule_for(SYS_mkdirat, {uint64_t(-100), 0, 0755}), ModelHandler::kMkdir));
  EXPECT_EQ(rule_for(SYS_write, {0, 0, 5}), nullptr);
  EXPECT_EQ(rule_for(SYS_pwrite64, {5, 0, 5, 0}), nullptr);

  EXPECT_TRUE(is_allow(rule_for(SYS_rt_sigaction, {SIGINT, 0, 0x1000, 8})));
  EXPECT_TRUE(is_model(rule_for(SYS_rt_sigaction, {SIGINT, 0x1000, 0, 8}), ModelHandler::kRtSigaction));
  EXPECT_TRUE(is_allow(rule_for(SYS_sigaltstack, {0, 0x1000})));
  EXPECT_TRUE(is_model(rule_for(SYS_sigaltstack, {0x1000, 0}), ModelHandler::kSigaltstack));

  // Reading stdin consumes the restoring caller's input.
  EXPECT_TRUE(is_allow(rule_for(SYS_read, {3, 0, 10})));
  EXPECT_EQ(rule_for(SYS_read, {0, 0, 10}), nullptr);
  EXPECT_TRUE(is_allow(rule_for(SYS_lseek, {0, 0, SEEK_CUR})));
  EXPECT_EQ(rule_for(SYS_lseek, {0, 10, SEEK_SET}), nullptr);
  EXPECT_TRUE(is_allow(rule_for(SYS_lseek, {7, 10, SEEK_SET})));

  EXPECT_TRUE(is_model(rule_for(SYS_fcntl, {3, F_DUPFD_CLOEXEC, 10}), ModelHandler::kDup));
  EXPECT_TRUE(is_allow(rule_for(SYS_fcntl, {3, F_SETFD, FD_CLOEXEC})));
  EXPECT_TRUE(is_allow(rule_for(SYS_fcntl, {3, F_GETFD})));
  // Status flags: one rule for every fd, the handler reads the fd as an
  // unsigned int (fds 0-2 are the caller's, recorded for restore).
  EXPECT_TRUE(is_model(rule_for(SYS_fcntl, {3, F_SETFL, O_NONBLOCK}), ModelHandler::kStatusFlags));
  EXPECT_TRUE(is_model(rule_for(SYS_fcntl, {2, F_SETFL, O_APPEND}), ModelHandler::kStatusFlags));
  EXPECT_TRUE(is_model(rule_for(SYS_fcntl, {0x100000001, F_SETFL, O_APPEND}), ModelHandler::kStatusFlags));
  EXPECT_TRUE(rule_for(SYS_fcntl, {1, F_SETFL, O_APPEND})->needs_exit);
  EXPECT_TRUE(is_model(rule_for(SYS_ioctl, {1, 0x5421 /* FIONBIO */, 0x1000}), ModelHandler::kStatusFlags));
  EXPECT_EQ(rule_for(SYS_ioctl, {1, 0x5452 /* FIOASYNC */, 0x1000}), nullptr);
  EXPECT_TRUE(is_allow(rule_for(SYS_ioctl, {1, 0x5401, 0})));
  EXPECT_TRUE(is_allow(rule_for(SYS_ioctl, {3, 0x5451 /* FIOCLEX */, 0})));
  EXPECT_EQ(rule_for(SYS_ioctl, {1, 0x5414 /* TIOCSWINSZ */, 0}), nullptr);
  EXPECT_TRUE(is_allow(rule_for(SYS_prlimit64, {0, RLIMIT_STACK, 0, 0x1000})));
  EXPECT_TRUE(is_model(rule_for(SYS_prlimit64, {0, RLIMIT_NOFILE, 0x1000, 0}), ModelHandler::kSetRlimit));  // its own
  EXPECT_TRUE(rule_for(SYS_prlimit64, {0, RLIMIT_NOFILE, 0x1000, 0})->needs_exit);
  EXPECT_TRUE(is_model(rule_for(SYS_setrlimit, {RLIMIT_NOFILE, 0x1000}), ModelHandler::kSetRlimit));
  EXPECT_TRUE(is_allow(rule_for(SYS_prlimit64, {77, RLIMIT_STACK, 0, 0x1000})));
  EXPECT_EQ(rule_for(SYS_prlimit64, {77, RLIMIT_STACK, 0x1000, 0}), nullptr);  // another's
  EXPECT_TRUE(is_allow(rule_for(SYS_arch_prctl, {0x1002 /* ARCH_SET_FS */, 0x1000})));
  EXPECT_TRUE(is_model(rule_for(SYS_prctl, {PR_SET_MM, PR_SET_MM_MAP}), ModelHandler::kSetMm));  // forgets the break
  EXPECT_FALSE(rule_for(SYS_prctl, {PR_SET_MM, PR_SET_MM_MAP})->needs_exit);
  EXPECT_TRUE(is_model(rule_for(SYS_prctl, {PR_GET_NO_NEW_PRIVS}), ModelHandler::kGetNoNewPrivs));
  EXPECT_TRUE(rule_for(SYS_prctl, {PR_GET_NO_NEW_PRIVS})->needs_exit);
  // The recorder's one-CPU pinning: the caller's mask is written at exit.
  EXPECT_TRUE(is_model(rule_for(SYS_sched_getaffinity, {0, 128, 0x1000}), ModelHandler::kGetAffinity));
  EXPECT_TRUE(rule_for(SYS_sched_getaffinity, {0, 128, 0x1000})->needs_exit);
  EXPECT_EQ(rule_for(SYS_sched_setaffinity, {0, 128, 0x1000}), nullptr);  // a trigger
  EXPECT_EQ(rule_for(SYS_prctl, {PR_SET_PDEATHSIG, SIGKILL}), nullptr);
  EXPECT_TRUE(is_model(rule_for(SYS_faccessat, {0, 0, R_OK}), ModelHandler::kAccess));
  EXPECT_TRUE(is_model(rule_for(SYS_mmap, {0, 4096, 3, 0x22, ~0ull, 0}), ModelHandler::kMmap));
  EXPECT_TRUE(rule_for(SYS_mmap, {})->needs_exit);
  // Locks: per-mapping state read from smaps; mlockall's MCL_FUTURE is
  // modelled (the handler needs the result).
  EXPECT_TRUE(is_allow(rule_for(SYS_mlock, {0x1000, 4096})));
  EXPECT_TRUE(is_allow(rule_for(SYS_mlock2, {0x1000, 4096, 1 /* MLOCK_ONFAULT */})));
  EXPECT_TRUE(is_allow(rule_for(SYS_munlock, {0x1000, 4096})));
  EXPECT_TRUE(is_model(rule_for(SYS_mlockall, {2 /* MCL_FUTURE */}), ModelHandler::kLockAll));
  EXPECT_TRUE(rule_for(SYS_mlockall, {2})->needs_exit);
  EXPECT_TRUE(is_model(rule_for(SYS_munlockall, {}), ModelHandler::kLockAll));
  EXPECT_TRUE(rule_for(SYS_munlockall, {})->needs_exit);

  // Threads are modelled; a clone without CLONE_THREAD (fork) is not.
  EXPECT_TRUE(is_model(rule_for(SYS_clone, {0x3d0f00}), ModelHandler::kClone));
  EXPECT_EQ(rule_for(SYS_clone, {0x1200011 /* fork: CHILD_SETTID|CHILD_CLEARTID|SIGCHLD */}), nullptr);
  EXPECT_TRUE(is_model(rule_for(SYS_pipe2, {0, 0}), ModelHandler::kNewFd));
  EXPECT_TRUE(is_model(rule_for(SYS_eventfd2, {0, 0}), ModelHandler::kNewFd));
  EXPECT_TRUE(is_model(rule_for(SYS_epoll_ctl, {3, 1, 4, 0}), ModelHandler::kEpollCtl));
  EXPECT_TRUE(is_model(rule_for(SYS_rt_sigreturn, {}), ModelHandler::kRtSigreturn));
  // POSIX timers: creating, arming and deleting are modelled (at the exit:
  // the id, the expiry), reading them is allowed. The clock is judged by
  // the handler (a thread's CPU clock triggers), not by the filter.
  EXPECT_TRUE(is_model(rule_for(SYS_timer_create, {1, 0, 0x1000}), ModelHandler::kTimerCreate));
  EXPECT_TRUE(is_model(rule_for(SYS_timer_create, {uint64_t(-2), 0, 0x1000}), ModelHandler::kTimerCreate));
  EXPECT_TRUE(rule_for(SYS_timer_create, {})->needs_exit);
  EXPECT_TRUE(is_model(rule_for(SYS_timer_settime, {0, 0, 0x1000, 0}), ModelHandler::kTimerSettime));
  EXPECT_TRUE(rule_for(SYS_timer_settime, {})->needs_exit);
  EXPECT_TRUE(is_model(rule_for(SYS_timer_delete, {0}), ModelHandler::kTimerDelete));
  EXPECT_TRUE(rule_for(SYS_timer_delete, {})->needs_exit);
  EXPECT_TRUE(is_allow(rule_for(SYS_timer_gettime, {0, 0x1000})));
  EXPECT_TRUE(is_allow(rule_for(SYS_timer_getoverrun, {0})));

  for (long nr : {SYS_socket, SYS_fork, SYS_vfork, SYS_execve, SYS_umask, SYS_socketpair, SYS_memfd_create,
                  SYS_timerfd_create, SYS_kill}) {
    EXPECT_EQ(rule_for(nr, {}), nullptr) << syscall_name(nr);
  }
}

TEST(SyscallTable, RulesAreWellFormed) {
  const auto& rules = syscall_rules();
  ASSERT_LT(rules.size() + kTraceRuleBase, 0x10000u);
  for (const SyscallRule& r : rules) {
    SCOPED_TRACE(syscall_name(r.nr));
    EXPECT_EQ(r.handler.has_value(), r.action == SyscallAction::kModel);
    EXPECT_TRUE(r.action == SyscallAction::kModel || !r.needs_exit);
    EXPECT_EQ(syscall_number(syscall_name(r.nr)), r.nr);
    // libseccomp takes one comparison per argument and rule.
    std::set<uint8_t> args;
    for (const ArgCondition& c : r.when) {
      EXPECT_LT(c.arg, 6);
      EXPECT_TRUE(args.insert(c.arg).second);
    }
  }
}

TEST(SyscallTable, Names) {
  EXPECT_EQ(syscall_name(39), "getpid");
  EXPECT_EQ(syscall_name(SYS_openat), "openat");
  EXPECT_EQ(syscall_name(99999), "syscall_99999");
  EXPECT_EQ(syscall_name(-1), "syscall_-1");
  EXPECT_EQ(syscall_number("getpid"), 39);
  EXPECT_EQ(syscall_number("newfstatat"), SYS_newfstatat);
  EXPECT_EQ(syscall_number("getpidd"), std::nullopt);
  EXPECT_EQ(syscall_number("socketcall"), std::nullopt);  // not on x86-64
  EXPECT_EQ(syscall_number(""), std::nullopt);
}

TEST(SyscallTable, AtPointParse) {
  AtPoint a = AtPoint::parse("getpid");
  EXPECT_EQ(a.nr, SYS_getpid);
  EXPECT_FALSE(a.arg0);
  AtPoint b = AtPoint::parse("openat,ARG0=3");
  EXPECT_EQ(b.nr, SYS_openat);
  EXPECT_EQ(b.arg0, 3u);
  EXPECT_EQ(AtPoint::parse("write,ARG0=0x2").arg0, 2u);
  EXPECT_EQ(AtPoint::parse("openat,ARG0=-100").arg0, static_cast<uint64_t>(AT_FDCWD));

  uint64_t args[6] = {3};
  EXPECT_TRUE(b.matches(SYS_openat, args));
  EXPECT_FALSE(b.matches(SYS_open, args));
  args[0] = 4;
  EXPECT_FALSE(b.matches(SYS_openat, args));
  EXPECT_TRUE(a.matches(SYS_getpid, args));

  // The path is compared by the tracer: the registers' part is the number.
  AtPoint c = AtPoint::parse("openat,path=/tmp/x,y");
  EXPECT_EQ(c.nr, SYS_openat);
  EXPECT_FALSE(c.arg0);
  EXPECT_EQ(c.path_prefix, "/tmp/x,y");
  EXPECT_TRUE(c.matches(SYS_openat, args));
  EXPECT_FALSE(c.matches(SYS_open, args));
  EXPECT_EQ(AtPoint::parse("execve,path=/usr/bin/uname").path_prefix, "/usr/bin/uname");

  auto message = [](std::string_view text) {
    try {
      AtPoint::parse(text);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("getpidd"), "unknown syscall 'getpidd'");
  EXPECT_EQ(message(",ARG0=1"), "unknown syscall ''");
  EXPECT_EQ(message("openat,ARG1=3"),
            "bad argument condition 'ARG1=3' (ARG0=VALUE or path=PREFIX expected)");
  EXPECT_EQ(message("openat,"), "bad argument condition '' (ARG0=VALUE or path=PREFIX expected)");
  EXPECT_EQ(message("openat,path="), "empty path prefix in 'path='");
  EXPECT_EQ(message("getpid,path=/tmp"),
            "getpid has no path argument (path=PREFIX is for open, openat, access, stat-likes, mkdir, execve, "
            "unlink, ...)");
  EXPECT_NE(message("openat,ARG0=").find("bad value"), std::string::npos);
  EXPECT_NE(message("openat,ARG0=3x").find("bad value"), std::string::npos);
  EXPECT_NE(message("openat,ARG0=0x").find("bad value"), std::string::npos);
}

// --- The filter, interpreted. -----------------------------------------
// A classic-BPF interpreter for the instructions a seccomp filter may use,
// so the generated program can be checked against find_rule() for many
// argument values without a kernel in the loop.
uint32_t run_bpf(const std::vector<sock_filter>& prog, const seccomp_data& d) {
  uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {};
  auto load = [&](uint32_t off) {
    if (off % 4 || off + 4 > sizeof d) throw std::runtime_error("bad load offset");
    uint32_t v;
    std::memcpy(&v, reinterpret_cast<const char*>(&d) + off, 4);
    return v;
  };
  for (size_t pc = 0; pc < prog.size(); ++pc) {
    const sock_filter& i = prog[pc];
    uint32_t src = BPF_SRC(i.code) == BPF_X ? x : i.k;
    switch (BPF_CLASS(i.code)) {
      case BPF_LD:
        if (BPF_MODE(i.code) == BPF_ABS) a = load(i.k);
        else if (BPF_MODE(i.code) == BPF_IMM) a = i.k;
        else if (BPF_MODE(i.code) == BPF_MEM) a = mem[i.k];
        else throw std::runtime_error("unsupported ld");
        break;
      case BPF_LDX:
        if (BPF_MODE(i.code) == BPF_IMM) x = i.k;
        else if (BPF_MODE(i.code) == BPF_MEM) x = mem[i.k];
        else throw std::runtime_error("unsupported ldx");
        break;
      case BPF_ST: mem[i.k] = a; break;
      case BPF_STX: mem[i.k] = x; break;
      case BPF_ALU:
        switch (BPF_OP(i.code)) {
          case BPF_AND: a &= src; break;
          case BPF_OR: a |= src; break;
          case BPF_ADD: a += src; break;
          case BPF_SUB: a -= src; break;
          default: throw std::runtime_error("unsupported alu op");
        }
        break;
      case BPF_JMP: {
        bool take;
        switch (BPF_OP(i.code)) {
          case BPF_JA: pc += i.k; continue;
          case BPF_JEQ: take = a == src; break;
          case BPF_JGT: take = a > src; break;
          case BPF_JGE: take = a >= src; break;
          case BPF_JSET: take = (a & src) != 0; break;
          default: throw std::runtime_error("unsupported jmp op");
        }
        pc += take ? i.jt : i.jf;
        break;
      }
      case BPF_RET: return BPF_RVAL(i.code) == BPF_A ? a : i.k;
      case BPF_MISC:
        if (BPF_MISCOP(i.code) == BPF_TAX) x = a;
        else a = x;
        break;
    }
  }
  throw std::runtime_error("fell off the end of the program");
}

uint32_t expected_action(const std::optional<AtPoint>& at, long nr, const uint64_t args[6]) {
  if (at && at->matches(nr, args)) return SECCOMP_RET_TRACE | kTraceAt;
  const SyscallRule* r = find_rule(nr, args);
  if (!r) return SECCOMP_RET_TRACE | kTraceTrigger;
  if (r->action == SyscallAction::kAllow) return SECCOMP_RET_ALLOW;
  return SECCOMP_RET_TRACE | (kTraceRuleBase + (r - syscall_rules().data()));
}

seccomp_data call(uint32_t arch, long nr, const uint64_t args[6]) {
  seccomp_data d{};
  d.nr = static_cast<int>(nr);
  d.arch = arch;
  std::memcpy(d.args, args, sizeof d.args);
  return d;
}

// Every syscall number with argument values taken from the table's own
// conditions (and their neighbours, and the same with junk in the upper
// half): the filter must say what find_rule() says.
void check_filter_matches_table(const std::optional<AtPoint>& at) {
  // The program ptracer loads: the rules as compiled at build time.
  std::vector<sock_filter> prog = build_seccomp_filter(at, precompiled_rule_program());
  size_t checked = 0;
  for (long nr = 0; nr < 470; ++nr) {
    std::set<uint64_t> values = {0, 1, 2, 3, ~0ull, 0xffffffff00000001ull};
    std::set<uint8_t> used_args = {0};
    auto add = [&](uint64_t v) {
      for (uint64_t w : {v, v + 1, v - 1, v | (uint64_t{1} << 32)}) values.insert(w);
    };
    for (const SyscallRule& r : syscall_rules()) {
      if (r.nr != nr) continue;
      for (const ArgCondition& c : r.when) {
        used_args.insert(c.arg);
        add(c.value);
        if (c.op != ArgCondition::Op::kMaskedEq) continue;
        add(c.value | (~c.mask & 0xffffffff));
        for (int bit = 0; bit < 32; ++bit) values.insert(c.value | (uint64_t{1} << bit));
      }
    }
    if (at && at->nr == nr && at->arg0) add(*at->arg0);
    std::vector<uint8_t> vary(used_args.begin(), used_args.end());
    std::vector<uint64_t> vals(values.begin(), values.end());
    std::vector<size_t> idx(vary.size(), 0);
    for (;;) {
      uint64_t args[6] = {};
      for (size_t k = 0; k < vary.size(); ++k) args[vary[k]] = vals[idx[k]];
      uint32_t want = expected_action(at, nr, args);
      uint32_t got = run_bpf(prog, call(AUDIT_ARCH_X86_64, nr, args));
      ++checked;
      ASSERT_EQ(got, want) << syscall_name(nr) << " arg0=" << std::hex << args[0]
                           << " arg1=" << args[1] << " arg2=" << args[2];
      size_t k = 0;
      while (k < idx.size() && ++idx[k] == vals.size()) idx[k++] = 0;
      if (k == idx.size()) break;
    }
    // The same number in any other ABI is a trigger.
    uint64_t args[6] = {};
    EXPECT_EQ(run_bpf(prog, call(AUDIT_ARCH_I386, nr, args)), SECCOMP_RET_TRACE | kTraceTrigger);
    EXPECT_EQ(run_bpf(prog, call(AUDIT_ARCH_X86_64, nr | kX32Bit, args)),
              SECCOMP_RET_TRACE | kTraceTrigger)
        << "x32 " << nr;
  }
  EXPECT_GT(checked, 20000u);
}

// A table changed without rebuilding rule_program.inc would load rules
// that are not the table's.
TEST(SeccompFilter, PrecompiledIsWhatLibseccompCompilesNow) {
  std::span<const sock_filter> built = precompiled_rule_program();
  std::vector<sock_filter> now = compile_rule_program();
  ASSERT_EQ(built.size(), now.size());
  for (size_t i = 0; i < now.size(); ++i) {
    SCOPED_TRACE("instruction " + std::to_string(i));
    EXPECT_EQ(built[i].code, now[i].code);
    EXPECT_EQ(built[i].jt, now[i].jt);
    EXPECT_EQ(built[i].jf, now[i].jf);
    EXPECT_EQ(built[i].k, now[i].k);
  }
}

TEST(SeccompFilter, AgreesWithTable) { check_filter_matches_table(std::nullopt); }

TEST(SeccompFilter, AgreesWithTableAtPoint) {
  check_filter_matches_table(AtPoint::parse("getpid"));
  check_filter_matches_table(AtPoint::parse("write,ARG0=1"));  // overlaps a masked rule
  check_filter_matches_table(AtPoint::parse("openat,ARG0=-100"));
  check_filter_matches_table(AtPoint::parse("lseek,ARG0=0x100000003"));
  check_filter_matches_table(AtPoint::parse("openat,path=/tmp/x"));
}

// --- The filter, in the kernel. ---------------------------------------
// seccomp(2): SECCOMP_RET_TRACE with no tracer attached makes the syscall
// fail with ENOSYS, so a child can tell allowed calls from traced ones.

bool fails_enosys(long r) { return r == -1 && errno == ENOSYS; }

long int80_getpid() {
  long ret;
  // i386 getpid is 20. The 64-bit registers r8-r11 are not preserved
  // across int 0x80 on every kernel.
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "r8", "r9", "r10", "r11", "memory", "cc");
  return ret;
}

// Whether int 0x80 works here at all (ia32_emulation may be off).
bool int80_supported() {
  pid_t pid = fork();
  if (pid == 0) _exit(int80_getpid() == getpid() ? 0 : 1);
  int status;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

struct ChildCheck {
  const char* name;
  bool (*ok)(int devnull, pid_t pid);
};

const ChildCheck kChecks[] = {
    {"getpid allowed", [](int, pid_t pid) { return syscall(SYS_getpid) == pid; }},
    {"getppid allowed", [](int, pid_t) { return syscall(SYS_getppid) > 0; }},
    {"read of /dev/null allowed", [](int fd, pid_t) {
       char c;
       return syscall(SYS_read, fd, &c, 1) == 0;
     }},
    {"brk(0) allowed", [](int, pid_t) { return syscall(SYS_brk, 0) > 0; }},
    {"rt_sigaction query allowed", [](int, pid_t) {
       char old[32];
       return syscall(SYS_rt_sigaction, SIGINT, nullptr, old, 8) == 0;
     }},
    {"prlimit64 query allowed", [](int, pid_t) {
       struct rlimit old;
       return syscall(SYS_prlimit64, 0, RLIMIT_STACK, nullptr, &old) == 0;
     }},
    {"prlimit64 setting its own limit traced (model)", [](int, pid_t) {
       struct rlimit now;
       getrlimit(RLIMIT_NOFILE, &now);
       return fails_enosys(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &now, nullptr));
     }},
    {"setrlimit traced (model)", [](int, pid_t) {
       struct rlimit now;
       getrlimit(RLIMIT_NOFILE, &now);
       return fails_enosys(syscall(SYS_setrlimit, RLIMIT_NOFILE, &now));
     }},
    {"fcntl F_GETFD allowed", [](int fd, pid_t) { return syscall(SYS_fcntl, fd, F_GETFD) >= 0; }},
    {"openat O_RDONLY traced (model)", [](int, pid_t) {
       return fails_enosys(syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY));
     }},
    {"openat O_CREAT traced (trigger)", [](int, pid_t) {
       return fails_enosys(
           syscall(SYS_openat, AT_FDCWD, "/tmp/snappy-never", O_WRONLY | O_CREAT, 0600));
     }},
    {"write to fd 1 traced (model)", [](int, pid_t) {
       return fails_enosys(syscall(SYS_write, 1, "", 0));
     }},
    {"write to fd 5 traced (trigger)", [](int, pid_t) {
       return fails_enosys(syscall(SYS_write, 5, "", 0));
     }},
    {"read of fd 0 traced (trigger)", [](int, pid_t) {
       char c;
       return fails_enosys(syscall(SYS_read, 0, &c, 0));
     }},
    {"close traced (model)", [](int fd, pid_t) { return fails_enosys(syscall(SYS_close, fd)); }},
    {"socket traced (trigger)", [](int, pid_t) {
       return fails_enosys(syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0));
     }},
    {"x32 getpid traced (trigger)", [](int, pid_t) {
       return fails_enosys(syscall(SYS_getpid | kX32Bit));
     }},
};
constexpr int kInt80Check = sizeof kChecks / sizeof kChecks[0] + 1;  // exit code
constexpr int kSetupFailed = 100;

// Runs kChecks in a child under the filter; returns "" or what failed.
std::string run_in_child(const std::vector<sock_filter>& prog, bool check_int80,
                         bool (*extra)(pid_t) = nullptr) {
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDONLY);
    pid_t self = getpid();
    sock_fprog fprog{static_cast<unsigned short>(prog.size()),
                     const_cast<sock_filter*>(prog.data())};
    if (devnull < 3 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) != 0) {
      _exit(kSetupFailed);
    }
    // Only raw syscalls from here: libc could call anything.
    int n = 0;
    for (const ChildCheck& c : kChecks) {
      ++n;
      if (!c.ok(devnull, self)) _exit(n);
    }
    if (check_int80 && int80_getpid() != -ENOSYS) _exit(kInt80Check);
    if (extra && !extra(self)) _exit(kInt80Check + 1);
    _exit(0);
  }
  int status;
  if (waitpid(pid, &status, 0) != pid) return "waitpid failed";
  if (!WIFEXITED(status)) return "child died with signal " + std::to_string(WTERMSIG(status));
  int code = WEXITSTATUS(status);
  if (code == 0) return "";
  if (code == kSetupFailed) return "installing the filter failed";
  if (code == kInt80Check) return "int 0x80 getpid was not traced";
  if (code == kInt80Check + 1) return "extra check failed";
  return std::string("check failed: ") + kChecks[code - 1].name;
}

TEST(SeccompFilter, RunsInKernel) {
  bool int80 = int80_supported();
  if (!int80) std::cerr << "int 0x80 unsupported here; not checked\n";
  EXPECT_EQ(run_in_child(build_seccomp_filter(std::nullopt), int80), "");
}

TEST(SeccompFilter, RunsInKernelWithAtPoint) {
  // --at getppid: getppid now stops (ENOSYS without a tracer)...
  std::string why = run_in_child(build_seccomp_filter(AtPoint::parse("getppid")), false);
  EXPECT_EQ(why, "check failed: getppid allowed");
  // ...and an at point on one fd leaves the table in force for the others.
  auto prog = build_seccomp_filter(AtPoint::parse("fcntl,ARG0=1"));
  EXPECT_EQ(run_in_child(prog, false, [](pid_t) {
              return fails_enosys(syscall(SYS_fcntl, 1, F_GETFD)) &&
                     syscall(SYS_fcntl, 2, F_GETFD) >= 0;
            }),
            "");
}

}  // namespace
}  // namespace snappy
