#include "ptracer/cpu_pinning.h"

#include <sys/syscall.h>
#include <unistd.h>

namespace snappy {

namespace {

// Large enough for any kernel's cpumask (CONFIG_NR_CPUS is at most 8192).
constexpr size_t kMaskBytes = 8192 / 8;

}  // namespace

CpuPinning CpuPinning::pin_here() {
  CpuPinning p;
  std::vector<uint8_t> mask(kMaskBytes);
  // The raw call returns how many bytes the kernel's cpumask has; glibc's
  // wrapper hides it.
  long size = syscall(SYS_sched_getaffinity, 0, mask.size(), mask.data());
  int cpu = sched_getcpu();
  if (size <= 0 || cpu < 0 || static_cast<size_t>(cpu) >= static_cast<size_t>(size) * 8) return p;
  mask.resize(static_cast<size_t>(size));
  int allowed = 0;
  for (uint8_t byte : mask) allowed += __builtin_popcount(byte);
  if (allowed < 2 || !(mask[cpu / 8] & (1u << (cpu % 8)))) return p;

  std::vector<uint8_t> one(mask.size());
  one[cpu / 8] = static_cast<uint8_t>(1u << (cpu % 8));
  if (syscall(SYS_sched_setaffinity, 0, one.size(), one.data()) != 0) return p;
  p.pinned_ = true;
  p.original_ = std::move(mask);
  return p;
}

void CpuPinning::release(pid_t tid) const {
  if (!original_.empty()) syscall(SYS_sched_setaffinity, tid, original_.size(), original_.data());
}

void CpuPinning::unpin() {
  if (!pinned_) return;
  syscall(SYS_sched_setaffinity, 0, original_.size(), original_.data());
  pinned_ = false;
}

}  // namespace snappy
