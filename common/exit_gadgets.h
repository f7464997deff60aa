// The two instruction sequences restore borrows from the restored program's
// own code to leave nothing of itself behind (docs/DESIGN.md, "Address-space
// contract": "restore unmaps itself"). The last two system calls, unmapping
// restore's window and rt_sigreturn into the program, cannot run from code
// inside that window. So restore's first rt_sigreturn lands on
//   syscall gadget:   syscall; [xor reg,reg]...; ret
// with rax = munmap and the window as arguments (the vDSO's fallback paths
// and libc's tiny wrappers such as getpid end like this), whose `ret` pops
//   sigreturn gadget: mov $15, %eax|%rax; syscall
// (glibc's __restore_rt, the signal trampoline), which finds the program's
// real signal frame right above, as a signal handler's return would.
// The recorder finds both in the program's executable mappings; restore
// checks the bytes again before using them. Freestanding-safe.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace snappy {

// `syscall` followed by up to 8 self-xors of registers other than rsp
// (31/33 with a register-direct modrm, optionally REX-prefixed), then `ret`.
inline bool is_syscall_ret_gadget(const uint8_t* p, size_t n) {
  if (n < 3 || p[0] != 0x0f || p[1] != 0x05) return false;
  size_t i = 2;
  for (int xors = 0; xors <= 8 && i < n; ++xors) {
    if (p[i] == 0xc3) return true;
    size_t at = i;
    uint8_t rex = 0;
    if ((p[at] & 0xf0) == 0x40) rex = p[at++];
    if (at + 1 >= n || (p[at] != 0x31 && p[at] != 0x33)) return false;
    uint8_t modrm = p[at + 1];
    int reg = ((modrm >> 3) & 7) | ((rex & 4) << 1);
    int rm = (modrm & 7) | ((rex & 1) << 3);
    if ((modrm & 0xc0) != 0xc0 || reg != rm || reg == 4) return false;
    i = at + 2;
  }
  return false;
}

// mov $15, %eax (b8 0f 00 00 00) or mov $15, %rax (48 c7 c0 0f 00 00 00),
// then syscall.
inline bool is_sigreturn_gadget(const uint8_t* p, size_t n) {
  static const uint8_t kShort[] = {0xb8, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05};
  static const uint8_t kLong[] = {0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05};
  auto starts = [&](const uint8_t* want, size_t len) {
    if (n < len) return false;
    for (size_t i = 0; i < len; ++i) {
      if (p[i] != want[i]) return false;
    }
    return true;
  };
  return starts(kShort, sizeof(kShort)) || starts(kLong, sizeof(kLong));
}

// Bytes restore reads at each gadget to check it (the longest match).
constexpr size_t kGadgetCheckBytes = 2 + 8 * 3 + 1;

}  // namespace snappy
