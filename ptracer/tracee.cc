#include "ptracer/tracee.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

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

std::vector<uint8_t> Tracee::read_memory(RemotePtr address, size_t size) const {
  std::vector<uint8_t> out(size);
  // One process_vm_readv where it reads everything (readable memory: the
  // strings and structs handlers read at every stop), instead of an open,
  // a pread and a close of /proc/PID/mem; that stays the way for the rest
  // (PROT_NONE pages, which only /proc/PID/mem reads).
  if (size > 0) {
    iovec local{out.data(), size}, remote{reinterpret_cast<void*>(address.address()), size};
    if (process_vm_readv(tid_, &local, 1, &remote, 1, 0) == static_cast<ssize_t>(size)) return out;
  }
  std::string path = "/proc/" + std::to_string(tid_) + "/mem";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("opening /proc/PID/mem");
  size_t done = 0;
  while (done < size) {
    ssize_t n = pread(fd, out.data() + done, size - done, static_cast<off_t>(address.address() + done));
    if (n <= 0) {
      int saved = n < 0 ? errno : EIO;
      ::close(fd);
      errno = saved;
      throw_errno("reading tracee memory");
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return out;
}

void Tracee::write_memory(RemotePtr address, const void* data, size_t size) const {
  std::string path = "/proc/" + std::to_string(tid_) + "/mem";
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("opening /proc/PID/mem");
  ssize_t n = size ? pwrite(fd, data, size, static_cast<off_t>(address.address())) : 0;
  int saved = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(size)) {
    errno = n < 0 ? saved : EIO;
    throw_errno("writing tracee memory");
  }
}

std::string Tracee::read_string(RemotePtr address, size_t max) const {
  // Read page by page: a string near the end of a mapping must not make us
  // read past it.
  std::string out;
  uint64_t at = address.address();
  while (out.size() < max) {
    size_t chunk = 4096 - (at % 4096);
    std::vector<uint8_t> bytes = read_memory(RemotePtr(at), chunk);
    for (uint8_t b : bytes) {
      if (b == 0) return out;
      out.push_back(static_cast<char>(b));
      if (out.size() == max) break;
    }
    at += chunk;
  }
  throw std::runtime_error("tracee string longer than " + std::to_string(max) + " bytes");
}

}  // namespace snappy
