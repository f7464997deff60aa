// The syscall model's entry and exit dispatch, and its handlers for memory,
// signals, threads, output and limits; the fd handlers are
// syscall_model_fds.cc.
#include "ptracer/syscall_model.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "common/hex_text.h"
#include "common/snapshot_format.h"
#include "ptracer/entry_prediction.h"
#include "ptracer/kernel_abi.h"
#include "ptracer/proc_files.h"

namespace snappy {

namespace {

uint64_t page_round_up(uint64_t v) { return (v + 4095) & ~uint64_t{4095}; }

bool is_error_result(uint64_t rax) { return rax > uint64_t(-4096); }

AltStack alt_stack(const stack_t& s) {
  return {reinterpret_cast<uint64_t>(s.ss_sp), static_cast<uint64_t>(s.ss_size), static_cast<uint32_t>(s.ss_flags)};
}

}  // namespace

Decision SyscallModel::on_entry(ModelHandler handler, const Tracee& tracee, const SyscallArgs& call) {
  Pending& pending = pending_[tracee.tid()];
  pending = Pending{handler, call, {}, {}, {}, 0};
  switch (handler) {
    case ModelHandler::kMmap: {
      int flags = static_cast<int>(call.args[3]);
      bool anonymous = flags & MAP_ANONYMOUS;
      if ((flags & MAP_SHARED) && anonymous) {
        trigger_reason_ = "shared anonymous memory";
        return Decision::kTrigger;
      }
      if ((flags & MAP_SHARED) && (call.args[2] & PROT_WRITE)) {
        trigger_reason_ = "writable shared file mapping";
        return Decision::kTrigger;
      }
      if (!anonymous) pending.path = read_link(proc_path(tracee.tid(), "fd/" + std::to_string(static_cast<int>(call.args[4]))));
      auto file = anonymous ? files.end() : files.find(static_cast<int>(call.args[4]));
      bool open_file = file != files.end() && file->second.kind == format::kFdFile && !pending.path.empty();
      if (fixed_mmap_predicted(call, open_file)) {
        apply_mmap(call, call.args[0], pending.path);
        return applied(tracee.tid());
      }
      return Decision::kContinue;
    }
    case ModelHandler::kMunmap:
      if (munmap_predicted(call)) {
        mappings.unmap(call.args[0], page_round_up(call.args[1]));
        return applied(tracee.tid());
      }
      return Decision::kContinue;
    case ModelHandler::kMprotect:
      if (mprotect_predicted(mappings, call)) {
        mappings.protect(call.args[0], page_round_up(call.args[1]), static_cast<int>(call.args[2]));
        return applied(tracee.tid());
      }
      return Decision::kContinue;
    case ModelHandler::kSetMm:
      known_break_.reset();
      return Decision::kContinue;
    case ModelHandler::kGetAffinity: {
      // Only the pinned thread's answer is rewritten at exit; of any
      // other the kernel's is the caller's mask already.
      pid_t of = call.args[0] == 0 ? tracee.tid() : static_cast<pid_t>(call.args[0]);
      if (of != pinned_thread) return applied(tracee.tid());
      return Decision::kContinue;
    }
    case ModelHandler::kGetNoNewPrivs:
    case ModelHandler::kMremap:
      return Decision::kContinue;
    case ModelHandler::kClose:
      if (static_cast<int>(call.args[0]) <= 2) {
        trigger_reason_ = "closes a standard stream";
        return Decision::kTrigger;
      }
      // close(2) frees the fd even when it reports an error (except EBADF,
      // when there was none): no need to see the result.
      files.erase(static_cast<int>(call.args[0]));
      return Decision::kContinue;
    case ModelHandler::kBrk: {
      // brk must fail while recording (docs/DESIGN.md): brk(0) returns the
      // current break unchanged, which glibc and musl read as failure, and
      // their malloc falls back to mmap. The argument register is put back
      // at the exit: `syscall` preserves every register but rax, rcx and
      // r11, and glibc's __brk compares the result with rdi afterwards.
      // Once the break is known, the call is skipped (a syscall number
      // of -1 at a seccomp stop, seccomp(2)) and answered with it: rdi
      // is untouched, so no exit stop is needed.
      user_regs_struct regs = tracee.registers();
      if (known_break_) {
        regs.orig_rax = static_cast<uint64_t>(-1);
        regs.rax = *known_break_;
        tracee.set_registers(regs);
        return applied(tracee.tid());
      }
      regs.rdi = 0;
      tracee.set_registers(regs);
      return Decision::kContinue;
    }
    case ModelHandler::kOpen: {
      Decision d = open_entry(tracee, call);
      return d == Decision::kContinue ? defer_open(tracee, call) : d;
    }
    case ModelHandler::kMkdir:
      return mkdir_entry(tracee, call);
    case ModelHandler::kDup:
      return dup_entry(call);
    case ModelHandler::kRtSigaction: {
      pending.action = tracee.read(call.ptr<KernelSigaction>(1));
      return Decision::kContinue;
    }
    case ModelHandler::kSigaltstack: {
      pending.stack = alt_stack(tracee.read(call.ptr<stack_t>(0)));
      return Decision::kContinue;
    }
    case ModelHandler::kSetTidAddress:
      threads[tracee.tid()].tid_address = call.args[0];
      return Decision::kContinue;
    case ModelHandler::kClone:
      return clone_entry(tracee, call);
    case ModelHandler::kSetRlimit:
    case ModelHandler::kTimerSettime:
    case ModelHandler::kTimerDelete:
      return Decision::kContinue;  // noted at the exit, if it succeeded
    case ModelHandler::kLockAll:
      return lock_all_entry(tracee, call);
    case ModelHandler::kTimerCreate:
      if (std::optional<std::string> why = timers.create_entry(tracee, call)) {
        trigger_reason_ = *why;
        return Decision::kTrigger;
      }
      return Decision::kContinue;
    case ModelHandler::kPoll:
      return poll_entry(tracee, call);
    case ModelHandler::kPkeyAlloc: {
      // CPUID.(EAX=7,ECX=0):ECX bit 4, OSPKE: the kernel enabled
      // protection keys. Without it pkey_alloc fails and changes nothing.
      unsigned a = 7, b = 0, c = 0, d = 0;
      __asm__("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
      if (c & (1u << 4)) {
        trigger_reason_ = "allocates a memory protection key";
        return Decision::kTrigger;
      }
      return Decision::kContinue;
    }
    case ModelHandler::kRtSigreturn:
      rt_sigreturn_entry(tracee);
      return Decision::kContinue;
    case ModelHandler::kReadlink:
      pending.path = tracee.read_string(call.ptr(call.nr == SYS_readlinkat ? 1 : 0));
      return Decision::kContinue;
    case ModelHandler::kWriteOutput: {
      // Replayed output lives in NAME.info, which restore reads whole: past
      // the limit, the snapshot is taken at this write instead, and every
      // restored instance performs it for real.
      uint64_t requested = call.args[2];
      if (call.nr == SYS_writev) {
        requested = 0;
        uint64_t count = std::min<uint64_t>(call.args[2], 1024);
        for (const iovec& v : tracee.read_array(call.ptr<iovec>(1), count)) requested += v.iov_len;
      }
      if (output_bytes_ + requested > kMaxReplayBytes) {
        trigger_reason_ = "output to replay would exceed " + std::to_string(kMaxReplayBytes >> 20) + " MiB";
        return Decision::kTrigger;
      }
      return Decision::kContinue;
    }
    case ModelHandler::kNewFd:
      return Decision::kContinue;
    case ModelHandler::kWriteInternal: {
      auto it = files.find(static_cast<int>(call.args[0]));
      if (it != files.end() && it->second.coredump_filter) {
        // The kernel parses the value and sets it in the mm, which capture
        // reads back (a write it refuses changes nothing).
        coredump_filter_set = true;
        return Decision::kContinue;
      }
      if (it == files.end() || (it->second.kind != format::kFdPipeWrite && it->second.kind != format::kFdEventfd)) {
        trigger_reason_ = "writes to fd " + std::to_string(static_cast<int>(call.args[0]));
        return Decision::kTrigger;
      }
      return Decision::kContinue;
    }
    case ModelHandler::kEpollCtl:
      return epoll_ctl_entry(call);
    case ModelHandler::kStatusFlags:
      return status_flags_entry(tracee, call);
    case ModelHandler::kConnect:
      return connect_entry(tracee, call);
    case ModelHandler::kAccess: {
      int path_arg = call.nr == SYS_access ? 0 : 1;
      if (tracee.read_string(call.ptr(path_arg)) == kCheckpointPath) return Decision::kMarker;
      return Decision::kContinue;
    }
  }
  return Decision::kTrigger;
}

// The flags a pthread_create (glibc, musl) or a runtime's own thread
// start passes; anything beyond them (namespaces, a pidfd, a cgroup, vfork,
// an exit signal: a process, not a thread) is outside the model.
constexpr uint64_t kThreadFlags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD;
constexpr uint64_t kOptionalThreadFlags = CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
                                          CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED;

Decision SyscallModel::clone_entry(const Tracee& tracee, const SyscallArgs& call) {
  uint64_t flags, child_tid, exit_signal = 0, set_tid_size = 0;
  if (call.nr == SYS_clone3) {
    // clone3(args, size): the fields past `size` are zero, as the kernel
    // takes them (copy_struct_from_user).
    if (call.args[1] < CLONE_ARGS_SIZE_VER0) {
      trigger_reason_ = "clone3 with a short argument struct";
      return Decision::kTrigger;
    }
    KernelCloneArgs a{};
    tracee.read_into(call.ptr(0), &a, std::min<uint64_t>(call.args[1], sizeof(a)));
    flags = a.flags;
    child_tid = a.child_tid;
    exit_signal = a.exit_signal;
    set_tid_size = a.set_tid_size;
  } else {
    // clone(flags, stack, parent_tid, child_tid, tls) on x86-64; the low
    // byte of flags is the exit signal.
    flags = call.args[0] & ~uint64_t{CSIGNAL};
    exit_signal = call.args[0] & CSIGNAL;
    child_tid = call.args[3];
  }
  if ((flags & kThreadFlags) != kThreadFlags || (flags & ~(kThreadFlags | kOptionalThreadFlags)) || exit_signal ||
      set_tid_size) {
    trigger_reason_ = std::string(call.nr == SYS_clone3 ? "clone3" : "clone") + " with flags " +
                      hex(flags | exit_signal) + ", not a thread";
    return Decision::kTrigger;
  }
  pending_[tracee.tid()].child_tid_address = (flags & CLONE_CHILD_CLEARTID) ? child_tid : 0;
  return Decision::kContinue;
}

void SyscallModel::on_thread_created(pid_t parent, pid_t child) {
  auto it = pending_.find(parent);
  ThreadState& t = threads[child];
  if (it != pending_.end() && it->second.handler == ModelHandler::kClone) t.tid_address = it->second.child_tid_address;
}

Decision SyscallModel::poll_entry(const Tracee& tracee, const SyscallArgs& call) {
  bool standard_stream = false;
  if (call.nr == SYS_poll || call.nr == SYS_ppoll) {
    uint64_t count = std::min<uint64_t>(call.args[1], 4096);
    for (const pollfd& p : tracee.read_array(call.ptr<pollfd>(0), count)) standard_stream |= p.fd >= 0 && p.fd <= 2;
  } else if (call.args[0] > 0) {
    // select: the low three bits of the read, write and except sets.
    for (int set = 1; set <= 3; ++set) {
      if (call.args[set] == 0) continue;
      standard_stream |= (tracee.read(call.ptr<uint8_t>(set)) & 7) != 0;
    }
  }
  if (standard_stream) {
    trigger_reason_ = "waits on a standard stream";
    return Decision::kTrigger;
  }
  return Decision::kContinue;
}

// mlockall(MCL_CURRENT) locks every VMA, and the kernel first checks the
// whole address space (mm->total_vm) against RLIMIT_MEMLOCK unless the
// caller has CAP_IPC_LOCK (mm/mlock.c). While recording, that space holds
// the recorder's 1 GiB window, which a cold run has not: the call would
// fail here and succeed cold (and, succeeding, would count the window in
// locked_vm against every later mlock). So it is modelled only where no
// limit applies; elsewhere it is the snapshot point, and each restored
// instance makes the call for real. MCL_FUTURE alone checks nothing but
// that locking is allowed at all.
Decision SyscallModel::lock_all_entry(const Tracee& tracee, const SyscallArgs& call) {
  if (call.nr == SYS_munlockall || !(call.args[0] & MCL_CURRENT)) return Decision::kContinue;
  struct rlimit64 lim;
  if (prlimit64(tracee.tid(), RLIMIT_MEMLOCK, nullptr, &lim) == 0 && lim.rlim_cur == RLIM64_INFINITY) {
    return Decision::kContinue;
  }
  std::string status = read_text(proc_path(tracee.tid(), "status"));
  size_t at = status.find("\nCapEff:");
  constexpr uint64_t kCapIpcLock = uint64_t{1} << 14;  // CAP_IPC_LOCK
  if (at != std::string::npos && (std::strtoull(status.c_str() + at + 9, nullptr, 16) & kCapIpcLock)) {
    return Decision::kContinue;
  }
  trigger_reason_ = "mlockall(MCL_CURRENT) under RLIMIT_MEMLOCK: the recorder's window would count against it";
  return Decision::kTrigger;
}

void SyscallModel::on_exit(const Tracee& tracee) {
  auto it = pending_.find(tracee.tid());
  if (it == pending_.end()) return;
  Pending p = std::move(it->second);
  pending_.erase(it);
  const SyscallArgs& c = p.call;
  if (p.handler == ModelHandler::kBrk) {
    user_regs_struct regs = tracee.registers();
    if (!is_error_result(regs.rax)) known_break_ = regs.rax;
    regs.rdi = c.args[0];
    tracee.set_registers(regs);
    return;
  }
  if (p.handler == ModelHandler::kReadlink) {
    readlink_exit(tracee, c, p.path);
    return;
  }
  if (p.handler == ModelHandler::kGetAffinity) {
    affinity_exit(tracee, c);
    return;
  }
  if (p.handler == ModelHandler::kGetNoNewPrivs) {
    // The recorder never sets it in itself (only the recorded child does,
    // after fork), so its own value is the caller's.
    user_regs_struct regs = tracee.registers();
    if (!is_error_result(regs.rax)) {
      regs.rax = static_cast<uint64_t>(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
      tracee.set_registers(regs);
    }
    return;
  }
  uint64_t rax = tracee.registers().rax;
  if (is_error_result(rax)) return;  // a failed call changed nothing
  switch (p.handler) {
    case ModelHandler::kMmap:
      apply_mmap(c, rax, p.path);
      break;
    case ModelHandler::kMunmap:
      mappings.unmap(c.args[0], page_round_up(c.args[1]));
      break;
    case ModelHandler::kMprotect:
      mappings.protect(c.args[0], page_round_up(c.args[1]), static_cast<int>(c.args[2]));
      break;
    case ModelHandler::kMremap:
      mappings.remap(c.args[0], page_round_up(c.args[1]), page_round_up(c.args[2]), rax,
                     c.args[3] & MREMAP_DONTUNMAP);
      note_window(rax, rax + page_round_up(c.args[2]));
      break;
    case ModelHandler::kOpen:
      record_open(tracee.tid(), static_cast<int>(rax), c);
      break;
    case ModelHandler::kDup: {
      OpenFile copy = files.at(static_cast<int>(c.args[0]));
      files[static_cast<int>(rax)] = copy;
      break;
    }
    case ModelHandler::kRtSigaction:
      sigactions[static_cast<int>(c.args[0])] = p.action;
      break;
    case ModelHandler::kSigaltstack:
      threads[tracee.tid()].altstack = p.stack;
      break;
    case ModelHandler::kWriteOutput:
      record_output(tracee, c, rax);
      break;
    case ModelHandler::kNewFd:
      new_fd_exit(tracee, c, rax);
      break;
    case ModelHandler::kStatusFlags: {
      if (!p.status_mask) break;  // an fd above 2, or nothing changed
      int fd = static_cast<int>(c.args[0]);
      auto [it, first] = caller_status.try_emplace(fd);
      if (first) it->second.before = p.status_before;
      it->second.mask |= p.status_mask;
      it->second.value = (it->second.value & ~p.status_mask) | p.status_value;
      break;
    }
    case ModelHandler::kLockAll: {
      // mm/mlock.c apply_mlockall_flags: def_flags loses VM_LOCKED and
      // VM_LOCKONFAULT, then gets them back with MCL_FUTURE (and
      // MCL_ONFAULT); munlockall is that with no flags.
      uint32_t flags = c.nr == SYS_munlockall ? 0 : static_cast<uint32_t>(c.args[0]);
      lock_future = 0;
      if (flags & MCL_FUTURE) {
        lock_future = format::kProcessLockFuture;
        if (flags & MCL_ONFAULT) lock_future |= format::kProcessLockFutureOnFault;
      }
      break;
    }
    case ModelHandler::kTimerCreate:
      timers.create_exit(tracee, c);
      break;
    case ModelHandler::kTimerSettime:
      timers.settime_exit(tracee, c);
      break;
    case ModelHandler::kTimerDelete:
      timers.delete_exit(c);
      break;
    case ModelHandler::kSetRlimit: {
      // The resource is an unsigned int: setrlimit's first argument,
      // prlimit64's second.
      uint32_t resource = static_cast<uint32_t>(c.args[c.nr == SYS_setrlimit ? 0 : 1]);
      if (resource < format::kRlimitCount) rlimits_set |= 1u << resource;
      break;
    }
    default:
      break;
  }
}

// ld.so finds $ORIGIN of the main program (java's RUNPATH
// $ORIGIN/../lib) by readlink("/proc/self/exe"), which names elf_loader
// while recording. The program sees its own path, as under exec. (A
// restored process's link names restore: readlink it before the snapshot
// point, as runtimes do.)
void SyscallModel::readlink_exit(const Tracee& tracee, const SyscallArgs& call, const std::string& path) {
  std::string pid = std::to_string(tracee.tid());
  bool self = path == "/proc/self/exe" || path == "/proc/thread-self/exe" || path == "/proc/" + pid + "/exe";
  user_regs_struct regs = tracee.registers();
  if (!self || program_path.empty() || is_error_result(regs.rax)) return;
  uint64_t size = std::min<uint64_t>(call.args[call.nr == SYS_readlinkat ? 3 : 2], program_path.size());
  tracee.write_memory(call.ptr(call.nr == SYS_readlinkat ? 2 : 1), program_path.data(), size);
  regs.rax = size;
  tracee.set_registers(regs);
}

// sched_getaffinity(pid, len, mask) of the pinned thread (on_entry lets
// every other call go without an exit stop) returns how many bytes of the
// mask it wrote (the kernel's cpumask size, at most len): those bytes are
// the caller's mask.
void SyscallModel::affinity_exit(const Tracee& tracee, const SyscallArgs& call) {
  user_regs_struct regs = tracee.registers();
  if (is_error_result(regs.rax)) return;
  uint64_t size = std::min<uint64_t>(regs.rax, caller_affinity.size());
  tracee.write_memory(call.ptr(2), caller_affinity.data(), size);
}

// rt_sigreturn loads the registers, the mask and, from uc_stack, the
// alternate signal stack (restore_altstack), which is refused while the
// restored stack pointer is on the current one. The frame is at rsp: the
// handler's `ret` popped its return address (ptracer/kernel_abi.h).
void SyscallModel::rt_sigreturn_entry(const Tracee& tracee) {
  KernelUcontext uc = tracee.read(RemotePtr<KernelUcontext>(tracee.registers().rsp));
  AltStack next = alt_stack(uc.uc_stack);
  uint64_t restored_sp = uc.uc_mcontext.rsp;
  constexpr uint32_t kSsDisable = 2, kSsAutodisarm = 1u << 31;
  AltStack& current = threads[tracee.tid()].altstack;
  bool on_current = !(current.flags & kSsDisable) && restored_sp - current.sp < current.size;
  if (on_current) return;
  next.flags &= ~kSsAutodisarm;
  if (next.flags & kSsDisable) next = AltStack{};
  current = next;
}

void SyscallModel::apply_mmap(const SyscallArgs& c, uint64_t start, const std::string& path) {
  Region r;
  r.start = start;
  r.end = start + page_round_up(c.args[1]);
  r.prot = static_cast<int>(c.args[2]);
  r.shared = c.args[3] & MAP_SHARED;
  r.anonymous = c.args[3] & MAP_ANONYMOUS;
  r.path = path;
  r.offset = r.anonymous ? 0 : c.args[5];
  // elf_loader's PROT_NONE reservation of the rest of its window
  // (elf_loader.cc reserve_rest_of_window) is the one mapping allowed
  // there: it keeps the program's own mappings out.
  bool loader_reservation = r.prot == PROT_NONE && r.anonymous && r.end == format::kWindowEnd &&
                            (c.args[3] & MAP_FIXED_NOREPLACE);
  if (!loader_reservation) note_window(r.start, r.end);
  mappings.map(r);
}

void SyscallModel::note_window(uint64_t start, uint64_t end) {
  if (start < format::kWindowEnd && end > format::kWindowStart) mapped_into_window = true;
}

void SyscallModel::record_output(const Tracee& tracee, const SyscallArgs& call, uint64_t written) {
  if (written == 0) return;
  Output out{static_cast<int>(call.args[0]), {}};
  if (call.nr == SYS_writev) {
    // Take the first `written` bytes across the vectors.
    for (const iovec& v : tracee.read_array(call.ptr<iovec>(1), call.args[2])) {
      if (out.bytes.size() >= written) break;
      uint64_t len = std::min<uint64_t>(v.iov_len, written - out.bytes.size());
      if (len == 0) continue;
      std::vector<uint8_t> part = tracee.read_memory(RemotePtr(reinterpret_cast<uint64_t>(v.iov_base)), len);
      out.bytes.insert(out.bytes.end(), part.begin(), part.end());
    }
  } else {
    out.bytes = tracee.read_memory(call.ptr(1), written);
  }
  output_bytes_ += out.bytes.size();
  // Merge consecutive writes to one fd: fewer records, fewer replay writes.
  if (!output.empty() && output.back().fd == out.fd) {
    output.back().bytes.insert(output.back().bytes.end(), out.bytes.begin(), out.bytes.end());
  } else {
    output.push_back(std::move(out));
  }
}

}  // namespace snappy
