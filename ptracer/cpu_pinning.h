// While a program is recorded, ptracer and the program run on one CPU.
//
// Every ptrace stop wakes the tracer and then the tracee. On two CPUs each
// wake-up is a cross-CPU IPI, and under a hypervisor the idle vCPU sleeps
// in HLT and is woken by the host: measured here (2 vCPUs, KVM) numpy's
// 817 stops made the traced run 175-200 ms against 90-125 ms with both on
// one CPU, and a cold run of 90 ms. On one CPU a stop is a local switch.
//
// Only the program's first thread is pinned: each thread it makes gets the
// caller's mask back at its first stop, so that threads working in
// parallel keep every CPU. Pinned whole, the JVM (whose compiler and GC
// threads work beside its main thread) recorded in 785 ms against 519 ms
// unpinned, cold 381 ms.
//
// The pinning is the recorder's, not the program's: sched_getaffinity
// answers the mask ptracer was started with (SyscallModel, kGetAffinity),
// so a runtime sizing its thread pools (OpenBLAS, the JVM, libuv) sizes
// them as in a cold run. What still shows it: the first thread's /proc
// status (Cpus_allowed) and getcpu, one CPU. Restored instances run with
// their caller's affinity: nothing of it is in the snapshot.
#pragma once

#include <sched.h>
#include <sys/types.h>

#include <cstdint>
#include <vector>

namespace snappy {

class CpuPinning {
 public:
  // Pins the calling thread to the CPU it runs on, so that a child forked
  // after it inherits the pinning. Not pinned (and no error) where the
  // kernel or a cpuset refuses, or the mask holds one CPU anyway.
  static CpuPinning pin_here();
  CpuPinning() = default;

  // The caller's own mask back (the program may still be pinned).
  void unpin();
  // The caller's mask for the program's thread `tid` (it inherited the
  // pinning from the thread that made it).
  void release(pid_t tid) const;
  bool pinned() const { return pinned_; }
  // The mask before pinning, as sched_getaffinity returned it
  // (cpumask_size() bytes); empty when not pinned.
  const std::vector<uint8_t>& original_mask() const { return original_; }

 private:
  bool pinned_ = false;
  std::vector<uint8_t> original_;
};

}  // namespace snappy
