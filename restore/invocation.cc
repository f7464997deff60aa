// restore NAME [--] ARGS...: the caller's invocation handed to the instance
// (README "restore"; the issue-13 contract). The instance's argv becomes
// [recorded argv[0], ARGS...] and its environment the caller's, edited by
// --clear-env and --env, as /proc/PID/cmdline and environ show them: the
// kernel reads both from [arg_start, env_end) of the mm (fs/proc/base.c),
// which PR_SET_MM_MAP may point anywhere in the address space.
//
// Two steps. stage_invocation(), before the irreversible part, copies the
// strings into the window: the caller's own are on the kernel's stack,
// which clear_address_space() unmaps. place_invocation(), once the snapshot
// is mapped, copies them into a fresh anonymous mapping wherever the kernel
// puts one (so it cannot meet a program mapping; anonymous because /proc
// reads it with FOLL_ANON) outside the window, so it stays after the jump.
#include "restore/restorer.h"

namespace snappy::restorer {

namespace {

// Window room for the staged strings and the pointer list they are built
// from: from past restore's image to the info buffer. A caller's exec
// passes at most 6 MiB of argv and envp (fs/exec.c: 3/4 of _STK_LIM).
constexpr uint64_t kInvocationBuffer = kWindowStart + 0x01000000;
constexpr uint64_t kMaxInvocationSize = kInfoBuffer - kInvocationBuffer;

uint64_t staged_offset = 0;  // where the strings start in the staging buffer
uint64_t staged_size = 0;    // the staging buffer's size

// Whether environment entry `e` names the variable of `assignment` (K=V).
bool same_name(const char* e, const char* assignment) {
  while (*assignment != '=' && *e == *assignment) ++e, ++assignment;
  return *assignment == '=' && *e == '=';
}

char* copy(char* out, const char* s) {
  while ((*out++ = *s++)) {
  }
  return out;
}

}  // namespace

void stage_invocation() {
  Invocation& inv = g.invocation;
  if (!inv.given) return;
  const ProcessRecord& p = *g.process;
  const char* argv0 = p.argv.size ? reinterpret_cast<const char*>(g.view.blob(p.argv)) : "";
  uint64_t env_count = 0, bound = 0;
  if (!inv.clear_env) {
    for (char** e = inv.caller_env; *e; ++e, ++env_count) bound += length(*e) + 1;
  }
  for (int i = 0; i < inv.set_count; ++i) bound += length(inv.sets[i]) + 1;
  bound += (env_count + uint64_t(inv.set_count)) * sizeof(char*);
  uint64_t arg_bytes = length(argv0) + 1;
  for (int i = 0; i < inv.arg_count; ++i) arg_bytes += length(inv.args[i]) + 1;
  bound += arg_bytes;
  if (bound > kMaxInvocationSize) die("the invocation", "arguments and environment too large (bytes)", &bound);
  staged_size = round_up(bound);
  check(sys::mmap(kInvocationBuffer, staged_size, sys::kProtRead | sys::kProtWrite,
                  sys::kMapPrivate | sys::kMapAnonymous | sys::kMapFixedNoreplace, -1, 0),
        "buffer for the invocation");

  // The environment as a list of the caller's strings: each --env K=V, in
  // order, replaces the first K= entry in place or is appended, as env(1)
  // K=V does.
  const char** env = reinterpret_cast<const char**>(kInvocationBuffer);
  uint64_t n = 0;
  if (!inv.clear_env) {
    for (; n < env_count; ++n) env[n] = inv.caller_env[n];
  }
  for (int i = 0; i < inv.set_count; ++i) {
    uint64_t at = 0;
    while (at < n && !same_name(env[at], inv.sets[i])) ++at;
    env[at] = inv.sets[i];
    if (at == n) ++n;
  }

  staged_offset = (env_count + uint64_t(inv.set_count)) * sizeof(char*);
  char* start = reinterpret_cast<char*>(kInvocationBuffer + staged_offset);
  char* out = copy(start, argv0);
  for (int i = 0; i < inv.arg_count; ++i) out = copy(out, inv.args[i]);
  inv.arg_bytes = uint64_t(out - start);
  for (uint64_t i = 0; i < n; ++i) out = copy(out, env[i]);
  inv.env_bytes = uint64_t(out - start) - inv.arg_bytes;
}

void place_invocation() {
  Invocation& inv = g.invocation;
  if (!inv.given) return;
  uint64_t size = inv.arg_bytes + inv.env_bytes;
  long at = sys::mmap(0, round_up(size), sys::kProtRead | sys::kProtWrite, sys::kMapPrivate | sys::kMapAnonymous, -1, 0);
  check(at, "mapping the invocation's arguments");
  uint64_t start = uint64_t(at);
  if (start < kWindowEnd && start + round_up(size) > kWindowStart) {
    die("mapping the invocation's arguments", "the kernel placed them in restore's window", &start);
  }
  const char* from = reinterpret_cast<const char*>(kInvocationBuffer + staged_offset);
  char* to = reinterpret_cast<char*>(start);
  for (uint64_t i = 0; i < size; ++i) to[i] = from[i];
  sys::munmap(kInvocationBuffer, staged_size);
  inv.arg_start = start;
}

void apply_invocation(MmLayout& mm) {
  const Invocation& inv = g.invocation;
  if (!inv.given) return;
  mm.arg_start = inv.arg_start;
  mm.arg_end = mm.env_start = inv.arg_start + inv.arg_bytes;
  mm.env_end = mm.env_start + inv.env_bytes;
}

}  // namespace snappy::restorer
