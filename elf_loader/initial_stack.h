// Builds the program's initial stack in a fresh mmap'd region, laid out as
// the kernel's create_elf_tables (fs/binfmt_elf.c) does and the x86-64 psABI
// (section 3.4.1) requires at process entry:
//
//   sp ->  argc | argv[0..argc-1] NULL | envp[...] NULL | auxv pairs, AT_NULL
//          (padding) | AT_RANDOM's 16 bytes | platform strings |
//          argv strings | env strings | execfn | 8 zero bytes  <- top
//
// sp is 16-byte aligned. argv strings are followed directly by the env
// strings, so arg_start..arg_end and env_start..env_end are the two ranges
// /proc/PID/cmdline and /proc/PID/environ read once PR_SET_MM_MAP has them.
//
// Everything auxv points into the kernel's stack (AT_RANDOM, AT_EXECFN,
// AT_PLATFORM, AT_BASE_PLATFORM) is copied, because the kernel's stack is
// not part of a snapshot (docs/DESIGN.md, "Address-space contract").
#pragma once

#include <stdint.h>

#include "elf_loader/elf_image.h"

namespace snappy {

struct StackRequest {
  int argc = 0;
  char* const* argv = nullptr;  // the program's argv: PROG (or --argv0's NAME) ARGS...
  const char* execfn = nullptr;  // AT_EXECFN: the path PROG was loaded from
  char* const* envp = nullptr;
  const uint64_t* kernel_auxv = nullptr;  // the loader's auxv
  const ElfImage* exe = nullptr;
  uint64_t interp_base = 0;  // AT_BASE: 0 when there is no PT_INTERP
  bool hide_vdso = false;    // drop AT_SYSINFO_EHDR (--no-vdso)
};

struct InitialStack {
  uint64_t sp = 0;  // points at argc
  uint64_t arg_start = 0, arg_end = 0, env_start = 0, env_end = 0;
  uint64_t* auxv = nullptr;
  uint32_t auxv_bytes = 0;  // including the AT_NULL pair
};

InitialStack build_initial_stack(const StackRequest& request);

}  // namespace snappy
