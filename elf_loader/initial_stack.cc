#include "elf_loader/initial_stack.h"

#include "common/raw_syscall.h"
#include "elf_loader/die.h"
#include "elf_loader/elf.h"
#include "common/freestanding_text.h"

namespace snappy {
namespace {

constexpr uint64_t kDefaultStack = 8ull << 20;
constexpr uint64_t kMaxStack = 256ull << 20;
// Room the program gets beyond its strings even under a tiny RLIMIT_STACK:
// the kernel's stack_guard_gap aside, it always lets the stack grow 128 KiB
// past the arguments (setup_arg_pages, stack_expand).
constexpr uint64_t kMinFreeStack = 128ull << 10;

// RLIMIT_STACK, as the kernel sizes the main thread's stack; unlimited
// becomes 8 MiB and huge limits are capped, since the region is reserved
// up front rather than grown on demand.
uint64_t stack_size(uint64_t strings) {
  sys::Rlimit limit{};
  uint64_t size = kDefaultStack;
  if (!sys::is_error(sys::prlimit(sys::kRlimitStack, nullptr, &limit)) &&
      limit.cur != ~uint64_t{0}) {
    size = limit.cur > kMaxStack ? kMaxStack : limit.cur;
  }
  if (size < strings + kMinFreeStack) size = strings + kMinFreeStack;
  return (size + sys::kPageSize - 1) & ~uint64_t(sys::kPageSize - 1);
}

uint64_t find_aux(const uint64_t* auxv, uint64_t type) {
  for (; auxv[0] != elf::kAtNull; auxv += 2) {
    if (auxv[0] == type) return auxv[1];
  }
  return 0;
}

// Copies `s` with its NUL to `to`; returns the address after it.
char* copy_string(char* to, const char* s) {
  size_t n = cstr::length(s) + 1;
  for (size_t i = 0; i < n; ++i) to[i] = s[i];
  return to + n;
}

// Where the copied auxv targets ended up on the new stack.
struct AuxTargets {
  uint64_t execfn = 0, random = 0, platform = 0, base_platform = 0;
};

// Writes the program's auxv to `out` (or only counts it if `out` is null)
// and returns the number of pairs including AT_NULL. Entries that describe
// the program replace the loader's; the rest (AT_HWCAP*, AT_PAGESZ,
// AT_CLKTCK, AT_UID.., AT_SECURE, AT_MINSIGSTKSZ, AT_RSEQ_*, ...) are kept.
unsigned write_auxv(const StackRequest& rq, const AuxTargets& t, uint64_t* out) {
  const uint64_t ours[][2] = {
      {elf::kAtPhdr, rq.exe->phdr},   {elf::kAtPhent, rq.exe->phent},
      {elf::kAtPhnum, rq.exe->phnum}, {elf::kAtEntry, rq.exe->entry},
      {elf::kAtBase, rq.interp_base}, {elf::kAtExecfn, t.execfn},
  };
  constexpr unsigned kOurs = sizeof(ours) / sizeof(ours[0]);
  bool seen[kOurs] = {};
  unsigned n = 0;
  auto put = [&](uint64_t type, uint64_t value) {
    if (out) out[2 * n] = type, out[2 * n + 1] = value;
    ++n;
  };
  for (const uint64_t* a = rq.kernel_auxv; a[0] != elf::kAtNull; a += 2) {
    uint64_t type = a[0], value = a[1];
    if (type == elf::kAtSysinfoEhdr && rq.hide_vdso) continue;
    if (type == elf::kAtRandom) value = t.random;
    if (type == elf::kAtPlatform) value = t.platform;
    if (type == elf::kAtBasePlatform) value = t.base_platform;
    for (unsigned i = 0; i < kOurs; ++i) {
      if (type == ours[i][0]) value = ours[i][1], seen[i] = true;
    }
    put(type, value);
  }
  for (unsigned i = 0; i < kOurs; ++i) {
    if (!seen[i]) put(ours[i][0], ours[i][1]);
  }
  put(elf::kAtNull, 0);
  return n;
}

}  // namespace

InitialStack build_initial_stack(const StackRequest& rq) {
  const char* execfn = rq.execfn ? rq.execfn : rq.argv[0];
  const char* platform = reinterpret_cast<const char*>(
      find_aux(rq.kernel_auxv, elf::kAtPlatform));
  const char* base_platform = reinterpret_cast<const char*>(
      find_aux(rq.kernel_auxv, elf::kAtBasePlatform));
  const auto* random = reinterpret_cast<const unsigned char*>(
      find_aux(rq.kernel_auxv, elf::kAtRandom));

  uint64_t arg_bytes = 0, env_bytes = 0;
  int envc = 0;
  for (int i = 0; i < rq.argc; ++i) arg_bytes += cstr::length(rq.argv[i]) + 1;
  for (; rq.envp[envc]; ++envc) env_bytes += cstr::length(rq.envp[envc]) + 1;
  uint64_t strings = arg_bytes + env_bytes + cstr::length(execfn) + 1 +
                     (platform ? cstr::length(platform) + 1 : 0) +
                     (base_platform ? cstr::length(base_platform) + 1 : 0) + 64;

  uint64_t size = stack_size(strings);
  long region = sys::mmap(0, size, sys::kProtRead | sys::kProtWrite |
                                        (rq.exe->exec_stack ? sys::kProtExec : 0),
                          sys::kMapPrivate | sys::kMapAnonymous | sys::kMapNoreserve,
                          -1, 0);
  if (sys::is_error(region)) die("cannot map the stack", why_errno(region));

  // Strings, from the top down; the region is already zero-filled, which
  // gives the 8-byte end marker above execfn.
  InitialStack st;
  AuxTargets t;
  uint64_t p = region + size - 8;
  p -= cstr::length(execfn) + 1;
  t.execfn = p;
  copy_string(reinterpret_cast<char*>(p), execfn);
  p -= env_bytes + arg_bytes;
  st.arg_start = p;
  st.arg_end = st.env_start = p + arg_bytes;
  st.env_end = st.env_start + env_bytes;
  if (platform) {
    p -= cstr::length(platform) + 1;
    t.platform = p;
    copy_string(reinterpret_cast<char*>(p), platform);
  }
  if (base_platform) {
    p -= cstr::length(base_platform) + 1;
    t.base_platform = p;
    copy_string(reinterpret_cast<char*>(p), base_platform);
  }
  p &= ~uint64_t{15};
  if (random) {
    p -= 16;
    t.random = p;
    for (int i = 0; i < 16; ++i) reinterpret_cast<unsigned char*>(p)[i] = random[i];
  }

  // The vectors below, with sp 16-byte aligned (padding goes above auxv).
  unsigned aux_pairs = write_auxv(rq, t, nullptr);
  uint64_t words = 1 + (rq.argc + 1) + (envc + 1) + 2 * aux_pairs;
  st.sp = (p - 8 * words) & ~uint64_t{15};
  auto* v = reinterpret_cast<uint64_t*>(st.sp);
  *v++ = rq.argc;
  char* s = reinterpret_cast<char*>(st.arg_start);
  for (int i = 0; i < rq.argc; ++i) {
    *v++ = reinterpret_cast<uint64_t>(s);
    s = copy_string(s, rq.argv[i]);
  }
  *v++ = 0;
  for (int i = 0; i < envc; ++i) {
    *v++ = reinterpret_cast<uint64_t>(s);
    s = copy_string(s, rq.envp[i]);
  }
  *v++ = 0;
  st.auxv = v;
  st.auxv_bytes = 16 * write_auxv(rq, t, v);
  return st;
}

}  // namespace snappy
