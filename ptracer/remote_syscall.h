// Running a system call inside a stopped thread of a traced process, the
// way snap injects wait4, clone and rt_sigaction into a live one: the
// thread borrows a `syscall` instruction (find_syscall_instruction) and its
// own registers come back on every path, a throw included
// (RegistersPutBack; rr's AutoRemoteSyscalls is the model).
#pragma once

#include <sys/types.h>
#include <sys/user.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <vector>

#include "ptracer/proc_maps.h"

namespace snappy {

// Puts `saved` back into thread `tid` when it goes out of scope (or at
// now(), which reports a failure by throwing).
class RegistersPutBack {
 public:
  RegistersPutBack(pid_t tid, const user_regs_struct& saved) : tid_(tid), saved_(saved) {}
  RegistersPutBack(const RegistersPutBack&) = delete;
  RegistersPutBack& operator=(const RegistersPutBack&) = delete;
  ~RegistersPutBack();
  void now();

 private:
  pid_t tid_;
  user_regs_struct saved_;
  bool armed_ = true;
};

// The registers the thread must run on with if nothing delivers a signal.
user_regs_struct resume_registers(const user_regs_struct& r);

long inject_syscall(pid_t tid, uint64_t gadget, const user_regs_struct& saved, long nr,
                    std::initializer_list<uint64_t> args, std::vector<int>& signals, unsigned long* event_msg,
                    bool exitkill = false, const std::function<void()>& midway = nullptr);

// A `0f 05` (syscall) in the vDSO, libc or any executable mapping; 0 if none.
uint64_t find_syscall_instruction(pid_t tid, const std::vector<ProcMapsEntry>& maps);

}  // namespace snappy
