// One stopped, ptrace-attached thread and the queries the recorder makes of
// it. Every method requires the tracee to be in a ptrace-stop; failures throw
// std::system_error naming the request.
//
// Memory is read by type: read<T>(RemotePtr<T>) one struct, read_array<T>
// n of them, read_string a NUL-terminated string (ptracer/remote_ptr.h).
// A Tracee keeps its /proc/TID/mem open from the first read that needs it
// to its end (docs/DESIGN.md, "Tracee memory"): keep one per thread rather
// than one per stop.
#pragma once

#include <sys/types.h>
#include <sys/user.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ptracer/remote_ptr.h"

namespace snappy {

// The syscall a tracee is stopped in, decoded from its registers.
struct SyscallArgs {
  long nr;
  uint64_t args[6];
  // Argument i as a tracee address of a T (a byte address by default).
  template <typename T = void>
  RemotePtr<T> ptr(int i) const { return RemotePtr<T>(args[i]); }
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
  ~Tracee();
  // It owns an fd: moved, never copied.
  Tracee(Tracee&& other) noexcept : tid_(other.tid_), mem_fd_(std::exchange(other.mem_fd_, -1)) {}
  Tracee& operator=(Tracee&& other) noexcept;
  Tracee(const Tracee&) = delete;
  Tracee& operator=(const Tracee&) = delete;

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
  // At a seccomp stop: the call and the filter's SECCOMP_RET_DATA, in one
  // PTRACE_GET_SYSCALL_INFO (0.7 us here) instead of syscall_args() and
  // event_message() (1.0 + 0.65 us), a stop being the recording's unit of
  // cost. A call of another arch (int $0x80) is read the two-call way, so
  // its arguments are the registers syscall_args() reads, and is marked:
  // its number is not the table's. A kernel without the request (before
  // 5.3) gets the two calls for every stop, and no mark.
  struct SeccompStop {
    SyscallArgs call;
    unsigned long data;
    bool x86_64 = true;  // false: an i386 call (int $0x80)
  };
  SeccompStop seccomp_stop() const;

  // Reads tracee memory: process_vm_readv where it can, /proc/TID/mem
  // otherwise (which reads any protection, PROT_NONE included).
  std::vector<uint8_t> read_memory(RemotePtr<> address, size_t size) const;
  // The same into `out` (all `size` bytes, or it throws).
  void read_into(RemotePtr<> address, void* out, size_t size) const;
  // One T (a kernel struct: trivially copyable, the layout the tracee's
  // kernel ABI has, which for x86-64 is ours).
  template <typename T>
  T read(RemotePtr<T> address) const {
    static_assert(std::is_trivially_copyable_v<T>, "read<T> copies bytes into a T");
    T value;
    read_into(address, &value, sizeof(T));
    return value;
  }
  // `count` Ts, back to back.
  template <typename T>
  std::vector<T> read_array(RemotePtr<T> address, size_t count) const {
    static_assert(std::is_trivially_copyable_v<T>, "read_array<T> copies bytes into Ts");
    std::vector<T> values(count);
    if (count > 0) read_into(address, values.data(), count * sizeof(T));
    return values;
  }
  // Writes tracee memory (a buffer a syscall fills: the tracee's own).
  void write_memory(RemotePtr<> address, const void* data, size_t size) const;
  // A NUL-terminated string of at most `max` bytes.
  std::string read_string(RemotePtr<> address, size_t max = 4096) const;
  // Appends the string at `address` to `out`, page by page (one near the
  // end of a mapping must not make us read past it): true at its NUL,
  // false once `out` holds `max` bytes. A fault throws with `out` holding
  // what came before it (the decoder shows that much).
  bool append_string(RemotePtr<> address, size_t max, std::string& out) const;

 private:
  // /proc/TID/mem, opened on first use (read-write: write_memory uses it
  // too). Reopened when it reads nothing: the mm it was opened on is gone
  // (an exec: the kernel's mem_rw finds no mm and returns 0).
  int mem_fd() const;
  void close_mem() const;

  pid_t tid_;
  mutable int mem_fd_ = -1;
};

}  // namespace snappy
