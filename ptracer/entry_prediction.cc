#include "ptracer/entry_prediction.h"

#include <sys/mman.h>

#include <cstdint>

namespace snappy {

namespace {

constexpr uint64_t kPage = MappingModel::kPageSize;
// The top of x86-64 user space with 4-level page tables (TASK_SIZE_MAX,
// 2^47 - 4096). With 5-level paging an address above it needs a hint the
// program gave; a range past it fails, and the prediction leaves it alone.
constexpr uint64_t kUserTop = (uint64_t{1} << 47) - kPage;

uint64_t round_up(uint64_t v) { return (v + kPage - 1) & ~(kPage - 1); }

// [addr, addr + len) page-aligned at the start, not empty, within user space.
bool plain_range(uint64_t addr, uint64_t len) {
  return addr % kPage == 0 && len > 0 && len <= kUserTop && addr <= kUserTop - round_up(len);
}

}  // namespace

bool mprotect_predicted(const MappingModel& model, const SyscallArgs& call) {
  uint64_t addr = call.args[0], len = call.args[1], prot = call.args[2];
  if (!plain_range(addr, len) || (prot & ~uint64_t{PROT_READ | PROT_WRITE}) != 0) return false;
  uint64_t end = addr + round_up(len);
  for (uint64_t pos = addr; pos < end;) {
    const Region* r = model.find(pos);
    if (!r || r->shared) return false;
    pos = r->end;
  }
  return true;
}

bool munmap_predicted(const SyscallArgs& call) { return plain_range(call.args[0], call.args[1]); }

bool fixed_mmap_predicted(const SyscallArgs& call, bool open_file) {
  uint64_t addr = call.args[0], len = call.args[1], prot = call.args[2], flags = call.args[3];
  uint64_t offset = call.args[5];
  constexpr uint64_t kPlainFlags = MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_NORESERVE |
                                   MAP_POPULATE | MAP_STACK | MAP_DENYWRITE | MAP_EXECUTABLE;
  if (!(flags & MAP_FIXED) || (flags & ~kPlainFlags) != 0) return false;
  if (!plain_range(addr, len) || (prot & ~uint64_t{PROT_READ | PROT_WRITE | PROT_EXEC}) != 0) return false;
  bool shared = flags & MAP_SHARED, priv = flags & MAP_PRIVATE;
  if (shared == priv) return false;  // exactly one of them, or EINVAL
  // Executable anonymous memory is what W^X policies refuse (systemd's
  // MemoryDenyWriteExecute filter, LSMs); an executable file mapping is
  // refused only on a noexec mount, where the cross-check then refuses
  // the snapshot (ld.so's text segments are the common case here).
  if (flags & MAP_ANONYMOUS) return priv && !(prot & PROT_EXEC);
  if ((prot & PROT_EXEC) && (prot & PROT_WRITE)) return false;
  if (offset % kPage != 0 || !open_file) return false;
  return !(shared && (prot & PROT_WRITE));
}

}  // namespace snappy
