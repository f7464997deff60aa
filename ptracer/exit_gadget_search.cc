#include "ptracer/exit_gadget_search.h"

#include <algorithm>
#include <cstdint>
#include <string.h>  // memmem
#include <memory>
#include <string_view>

#include "common/exit_gadgets.h"

namespace snappy {

namespace {

using namespace std::string_view_literals;

// `syscall`: where a syscall gadget begins.
constexpr std::string_view kSyscall = "\x0f\x05"sv;
// mov's immediate 15, then `syscall`: a sigreturn gadget ends so, its mov
// beginning 1 byte before (b8 + imm32, mov $15, %eax) or 3 (48 c7 c0 +
// imm32, mov $15, %rax).
constexpr std::string_view kFifteenThenSyscall = "\x0f\x00\x00\x00\x0f\x05"sv;
constexpr size_t kMovBefore[] = {1, 3};

constexpr size_t kChunk = 64 * 1024;
// Chunks overlap by the most bytes a gadget spans (its mov before the
// anchor, then what its check reads), so that every gadget lies whole in
// some chunk; a check cut short by a chunk's end only says no (the
// is_*_gadget functions need their bytes), never yes.
constexpr size_t kOverlap = 3 + kGadgetCheckBytes;
static_assert(kChunk > 2 * kOverlap);

// The first position in `code` at or after which `anchor` occurs and
// `check` accepts the gadget around it (check returns its address, or 0);
// 0 if none. memmem, not string_view::find: find looks for the anchor's
// first byte, and 0x0f opens every two-byte opcode of x86 code.
template <typename Check>
uint64_t first_gadget(const uint8_t* code, size_t size, std::string_view anchor, Check check) {
  for (size_t at = 0; at + anchor.size() <= size; ++at) {
    const void* hit = memmem(code + at, size - at, anchor.data(), anchor.size());
    if (!hit) return 0;
    at = static_cast<size_t>(static_cast<const uint8_t*>(hit) - code);
    if (uint64_t found = check(at)) return found;
  }
  return 0;
}

// Looks for the gadgets `p` still lacks in `code`, mapped at `start`.
void search_chunk(const uint8_t* code, size_t size, uint64_t start, format::ProcessRecord& p) {
  if (!p.syscall_gadget) {
    p.syscall_gadget = first_gadget(code, size, kSyscall, [&](size_t at) -> uint64_t {
      return is_syscall_ret_gadget(code + at, size - at) ? start + at : 0;
    });
  }
  if (!p.sigreturn_gadget) {
    p.sigreturn_gadget = first_gadget(code, size, kFifteenThenSyscall, [&](size_t at) -> uint64_t {
      for (size_t back : kMovBefore) {
        if (at >= back && is_sigreturn_gadget(code + at - back, size - (at - back))) return start + at - back;
      }
      return 0;
    });
  }
}

}  // namespace

void find_exit_gadgets(const Tracee& tracee, const std::vector<ProcMapsEntry>& mappings, bool no_vdso,
                       format::ProcessRecord& p) {
  std::vector<const ProcMapsEntry*> candidates;
  for (const ProcMapsEntry& e : mappings) {
    if (e.executable && e.readable && (e.is_file() || (e.path == "[vdso]" && !no_vdso))) candidates.push_back(&e);
  }
  auto rank = [](const ProcMapsEntry* e) {
    return e->path == "[vdso]" ? 0 : e->path.find("/libc.so") != std::string::npos ? 1 : 2;
  };
  std::stable_sort(candidates.begin(), candidates.end(), [&](auto* a, auto* b) { return rank(a) < rank(b); });
  std::unique_ptr<uint8_t[]> chunk(new uint8_t[kChunk]);
  auto done = [&] { return p.syscall_gadget && p.sigreturn_gadget; };
  for (const ProcMapsEntry* e : candidates) {
    for (uint64_t at = e->start; !done(); at += kChunk - kOverlap) {
      size_t size = static_cast<size_t>(std::min<uint64_t>(kChunk, e->end - at));
      tracee.read_into(RemotePtr(at), chunk.get(), size);
      search_chunk(chunk.get(), size, at, p);
      if (at + size == e->end) break;
    }
    if (done()) return;
  }
  p.syscall_gadget = p.sigreturn_gadget = 0;
}

}  // namespace snappy
