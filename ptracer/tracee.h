// One stopped, ptrace-attached thread and the queries the recorder makes of
// it. Every method requires the tracee to be in a ptrace-stop; failures throw
// std::system_error naming the request.
#pragma once

#include <sys/types.h>
#include <sys/user.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ptracer/remote_ptr.h"

namespace snappy {

// The syscall a tracee is stopped in, decoded from its registers.
struct SyscallArgs {
  long nr;
  uint64_t args[6];
  RemotePtr ptr(int i) const { return RemotePtr(args[i]); }
};

// struct ptrace_rseq_configuration (linux/ptrace.h, kernel 5.13+).
struct RseqConfig {
  uint64_t address = 0;
  uint32_t size = 0;
  uint32_t signature = 0;
};

class Tracee {
 public:
  explicit Tracee(pid_t tid) : tid_(tid) {}
  pid_t tid() const { return tid_; }

  user_regs_struct registers() const;
  void set_registers(const user_regs_struct& regs) const;
  SyscallArgs syscall_args() const;
  // The full XSAVE area (PTRACE_GETREGSET NT_X86_XSTATE), standard format.
  std::vector<uint8_t> xsave_area() const;
  uint64_t signal_mask() const;
  RseqConfig rseq() const;
  // get_robust_list(2) for this thread: {head, len}.
  std::pair<uint64_t, uint64_t> robust_list() const;
  // PTRACE_GETEVENTMSG: for a seccomp stop, the filter's SECCOMP_RET_DATA.
  unsigned long event_message() const;

  // Reads tracee memory: process_vm_readv where it can, /proc/PID/mem
  // otherwise (which reads any protection, PROT_NONE included).
  std::vector<uint8_t> read_memory(RemotePtr address, size_t size) const;
  // Writes tracee memory (a buffer a syscall fills: the tracee's own).
  void write_memory(RemotePtr address, const void* data, size_t size) const;
  // A NUL-terminated string of at most `max` bytes.
  std::string read_string(RemotePtr address, size_t max = 4096) const;

 private:
  pid_t tid_;
};

}  // namespace snappy
