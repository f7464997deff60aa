#include "ptracer/tracee.h"

#include <elf.h>
#include <linux/audit.h>
#include <fcntl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <system_error>
#include <utility>

namespace snappy {

namespace {

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// Not in glibc 2.36's <sys/ptrace.h>.
constexpr int kPtraceGetRseqConfiguration = 0x420f;
struct PtraceRseqConfiguration {
  uint64_t rseq_abi_pointer;
  uint32_t rseq_abi_size;
  uint32_t signature;
  uint32_t flags;
  uint32_t pad;
};

}  // namespace

user_regs_struct Tracee::registers() const {
  user_regs_struct regs;
  if (ptrace(PTRACE_GETREGS, tid_, nullptr, &regs) != 0) throw_errno("PTRACE_GETREGS");
  return regs;
}

void Tracee::set_registers(const user_regs_struct& regs) const {
  if (ptrace(PTRACE_SETREGS, tid_, nullptr, &regs) != 0) throw_errno("PTRACE_SETREGS");
}

SyscallArgs Tracee::syscall_args() const {
  user_regs_struct r = registers();
  return {static_cast<long>(r.orig_rax), {r.rdi, r.rsi, r.rdx, r.r10, r.r8, r.r9}};
}

std::vector<uint8_t> Tracee::xsave_area() const {
  std::vector<uint8_t> area(64 << 10);
  iovec iov{area.data(), area.size()};
  if (ptrace(PTRACE_GETREGSET, tid_, NT_X86_XSTATE, &iov) != 0) throw_errno("PTRACE_GETREGSET NT_X86_XSTATE");
  area.resize(iov.iov_len);
  return area;
}

uint64_t Tracee::signal_mask() const {
  uint64_t mask = 0;
  if (ptrace(PTRACE_GETSIGMASK, tid_, sizeof(mask), &mask) != 0) throw_errno("PTRACE_GETSIGMASK");
  return mask;
}

RseqConfig Tracee::rseq() const {
  PtraceRseqConfiguration conf{};
  long n = ptrace(static_cast<__ptrace_request>(kPtraceGetRseqConfiguration), tid_, sizeof(conf), &conf);
  if (n < 0) throw_errno("PTRACE_GET_RSEQ_CONFIGURATION");
  return {conf.rseq_abi_pointer, conf.rseq_abi_size, conf.signature};
}

std::pair<uint64_t, uint64_t> Tracee::robust_list() const {
  uint64_t head = 0;
  size_t len = 0;
  if (syscall(SYS_get_robust_list, tid_, &head, &len) != 0) throw_errno("get_robust_list");
  return {head, len};
}

unsigned long Tracee::event_message() const {
  unsigned long msg = 0;
  if (ptrace(PTRACE_GETEVENTMSG, tid_, nullptr, &msg) != 0) throw_errno("PTRACE_GETEVENTMSG");
  return msg;
}

Tracee::SeccompStop Tracee::seccomp_stop() const {
  __ptrace_syscall_info info{};
  long got = ptrace(PTRACE_GET_SYSCALL_INFO, tid_, sizeof(info), &info);
  bool known = got >= static_cast<long>(offsetof(__ptrace_syscall_info, seccomp.ret_data) +
                                        sizeof(info.seccomp.ret_data)) &&
               info.op == PTRACE_SYSCALL_INFO_SECCOMP;
  if (known && info.arch == AUDIT_ARCH_X86_64) {
    SeccompStop stop{{static_cast<long>(info.seccomp.nr), {}}, info.seccomp.ret_data};
    std::copy(std::begin(info.seccomp.args), std::end(info.seccomp.args), stop.call.args);
    return stop;
  }
  return {syscall_args(), event_message(), !known};
}

Tracee::~Tracee() { close_mem(); }

Tracee& Tracee::operator=(Tracee&& other) noexcept {
  if (this != &other) {
    close_mem();
    tid_ = other.tid_;
    mem_fd_ = std::exchange(other.mem_fd_, -1);
  }
  return *this;
}

int Tracee::mem_fd() const {
  if (mem_fd_ < 0) {
    std::string path = "/proc/" + std::to_string(tid_) + "/mem";
    mem_fd_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (mem_fd_ < 0) throw_errno("opening /proc/PID/mem");
  }
  return mem_fd_;
}

void Tracee::close_mem() const {
  if (mem_fd_ >= 0) ::close(mem_fd_);
  mem_fd_ = -1;
}

std::vector<uint8_t> Tracee::read_memory(RemotePtr<> address, size_t size) const {
  std::vector<uint8_t> out(size);
  read_into(address, out.data(), size);
  return out;
}

void Tracee::read_into(RemotePtr<> address, void* out, size_t size) const {
  // One process_vm_readv where it reads everything (readable memory: the
  // strings and structs handlers read at every stop), without a syscall on
  // /proc/TID/mem; that stays the way for the rest (PROT_NONE pages, which
  // only /proc/TID/mem reads).
  if (size > 0) {
    iovec local{out, size}, remote{reinterpret_cast<void*>(address.address()), size};
    if (process_vm_readv(tid_, &local, 1, &remote, 1, 0) == static_cast<ssize_t>(size)) return;
  }
  auto* bytes = static_cast<uint8_t*>(out);
  bool reopened = mem_fd_ < 0;  // a fresh fd is never stale
  size_t done = 0;
  while (done < size) {
    ssize_t n = pread(mem_fd(), bytes + done, size - done, static_cast<off_t>(address.address() + done));
    if (n == 0 && !reopened) {
      // The mm this fd was opened on is gone (an exec since): once more
      // on the current one.
      close_mem();
      reopened = true;
      continue;
    }
    if (n <= 0) {
      if (n == 0) errno = EIO;
      throw_errno("reading tracee memory");
    }
    done += static_cast<size_t>(n);
  }
}

void Tracee::write_memory(RemotePtr<> address, const void* data, size_t size) const {
  if (size == 0) return;
  ssize_t n = pwrite(mem_fd(), data, size, static_cast<off_t>(address.address()));
  if (n == 0) {  // a stale fd, as in read_into
    close_mem();
    n = pwrite(mem_fd(), data, size, static_cast<off_t>(address.address()));
  }
  if (n != static_cast<ssize_t>(size)) {
    if (n >= 0) errno = EIO;
    throw_errno("writing tracee memory");
  }
}

std::string Tracee::read_string(RemotePtr<> address, size_t max) const {
  std::string out;
  if (append_string(address, max, out)) return out;
  throw std::runtime_error("tracee string longer than " + std::to_string(max) + " bytes");
}

bool Tracee::append_string(RemotePtr<> address, size_t max, std::string& out) const {
  uint64_t at = address.address();
  while (out.size() < max) {
    size_t chunk = std::min<size_t>(4096 - (at % 4096), max - out.size());
    std::vector<uint8_t> bytes = read_memory(RemotePtr(at), chunk);
    for (uint8_t b : bytes) {
      if (b == 0) return true;
      out.push_back(static_cast<char>(b));
    }
    at += chunk;
  }
  return false;
}

}  // namespace snappy
