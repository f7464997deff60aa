// What madvise, mlock, mlockall and MAP_DROPPABLE had made of the recorded
// process's mappings (smaps VmFlags at capture, format::MappingFlags), and
// its mlockall(MCL_FUTURE) (format::kProcessLockFuture), made again.
//
// Two kinds, by what fork does with them (fork(2), madvise(2), mlock(2)):
//  - hints fork keeps (VM_DONTDUMP, VM_HUGEPAGE, VM_NOHUGEPAGE,
//    VM_MERGEABLE, VM_SEQ_READ, VM_RAND_READ) and the anonymous name: set
//    once, when the snapshot is mapped (apply_mapping_hints);
//  - what fork drops or acts on: MADV_DONTFORK (the child has no such
//    mapping), MADV_WIPEONFORK and MAP_DROPPABLE (the child's pages read
//    zero), locks (VM_LOCKED and VM_LOCKONFAULT are cleared in the child),
//    and mm->def_flags (only VM_NOHUGEPAGE survives): set in each instance,
//    after restore -n's fork (apply_instance_flags, apply_lock_future).
// A lock that fails (RLIMIT_MEMLOCK) refuses: the program counted on it,
// and the check before the point of no return (check_memory_locks) makes
// that failure rare.
#include "restore/restorer.h"

namespace snappy::restorer {

namespace {

// Whether restore's caller may lock memory beyond RLIMIT_MEMLOCK
// (CAP_IPC_LOCK in its effective set: mm/mlock.c capable() checks).
bool can_lock_without_limit() {
  constexpr uint32_t kCapIpcLock = 14;
  sys::CapHeader header{sys::kCapabilityVersion3, 0};
  sys::CapData data[2] = {};
  if (sys::is_error(sys::capget(&header, &data))) return false;
  return data[kCapIpcLock / 32].effective & (1u << (kCapIpcLock % 32));
}

uint64_t kib(uint64_t bytes) { return (bytes + 1023) >> 10; }

// Copies `size` bytes (a page multiple) a word at a time: no libc memcpy.
void copy_pages(uint64_t to, uint64_t from, uint64_t size) {
  auto* d = reinterpret_cast<uint64_t*>(to);
  const auto* s = reinterpret_cast<const uint64_t*>(from);
  for (uint64_t i = 0; i < size / 8; ++i) d[i] = s[i];
}

// With -n N, a MAP_DROPPABLE mapping comes from the snapshot as ordinary
// private anonymous memory holding its stored pages (map_by_copy, before
// the fork, which would wipe droppable memory). In each instance it becomes
// MAP_DROPPABLE again: the pages move aside (mremap), droppable memory
// takes their place, and the stored runs are copied into it; the rest of
// it reads zero, as the kernel's own dropped pages do.
void make_droppable(const MappingRecord& m) {
  Text what;
  what.add("re-creating the droppable mapping at ").hex(m.start);
  uint64_t size = m.end - m.start;
  uint64_t aside = uint64_t(check(sys::mmap(0, size, sys::kProtNone, sys::kMapPrivate | sys::kMapAnonymous, -1, 0), what.c_str()));
  check(sys::mremap(m.start, size, size, sys::kMremapMaymove | sys::kMremapFixed, aside), what.c_str());
  if (!(m.prot & sys::kProtRead)) check(sys::mprotect(aside, size, sys::kProtRead), what.c_str());
  check(sys::mmap(m.start, size, int(m.prot) | sys::kProtWrite,
                  sys::kMapDroppable | sys::kMapAnonymous | sys::kMapFixed | sys::kMapNoreserve, -1, 0),
        what.c_str());
  for (uint32_t r = 0; r < m.run_count; ++r) {
    const PageRunRecord& run = g.view.run(m.first_run + r);
    copy_pages(run.start, aside + (run.start - m.start), run.size);
  }
  sys::munmap(aside, size);
  if (!(m.prot & sys::kProtWrite)) check(sys::mprotect(m.start, size, int(m.prot)), what.c_str());
  apply_mapping_hints(m);  // a new VMA: its hints and name again
}

}  // namespace

void check_memory_locks() {
  uint64_t locked = 0, limit_cur = 0;
  const MappingRecord* first = nullptr;
  for (uint32_t i = 0; i < g.process->mapping_count; ++i) {
    const MappingRecord& m = g.view.mapping(g.process->first_mapping + i);
    if (!(m.flags & kMappingLocked) || (m.flags & kMappingDroppable) || m.base == kBaseVvar || m.base == kBaseVdso) continue;
    locked += m.end - m.start;
    if (!first) first = &m;
  }
  bool future = g.process->flags & kProcessLockFuture;
  if (!locked && !future) return;
  sys::Rlimit lim;
  check(sys::prlimit(8 /* RLIMIT_MEMLOCK */, nullptr, &lim), "RLIMIT_MEMLOCK");
  limit_cur = lim.cur;
  if (limit_cur == ~uint64_t{0} || can_lock_without_limit()) return;
  // mlock counts every page of a range, faulted in or not (MLOCK_ONFAULT
  // too), against the limit (mm/mlock.c do_mlock).
  if (locked > limit_cur) {
    Text what, why;
    what.add("the snapshot's locked memory (mlock; the first at ").hex(first->start).add(")");
    why.add("it locks ").number(kib(locked)).add(" KiB, more than RLIMIT_MEMLOCK allows (").number(kib(limit_cur)).add(" KiB)");
    die(what.c_str(), why.c_str());
  }
  // mlockall fails with EPERM where the limit is 0 (can_do_mlock).
  if (future && limit_cur == 0) die("the program's mlockall(MCL_FUTURE)", "RLIMIT_MEMLOCK is 0: this caller may not lock memory");
}

void check_droppable() {
  for (uint32_t i = 0; i < g.process->mapping_count; ++i) {
    const MappingRecord& m = g.view.mapping(g.process->first_mapping + i);
    if (!(m.flags & kMappingDroppable)) continue;
    long probe = sys::mmap(0, kPageSize, sys::kProtRead, sys::kMapDroppable | sys::kMapAnonymous, -1, 0);
    if (sys::is_error(probe)) {
      Text what;
      what.add("the droppable mapping at ").hex(m.start);
      die(what.c_str(), "this kernel has no MAP_DROPPABLE (Linux 6.11)");
    }
    sys::munmap(uint64_t(probe), kPageSize);
    return;
  }
}

void apply_mapping_hints(const MappingRecord& m) {
  struct Advice {
    uint32_t bit;
    int advice;
  };
  static constexpr Advice kHints[] = {
      {kMappingDontDump, 16},    // MADV_DONTDUMP
      {kMappingHugePage, 14},    // MADV_HUGEPAGE
      {kMappingNoHugePage, 15},  // MADV_NOHUGEPAGE
      {kMappingMergeable, 12},   // MADV_MERGEABLE
      {kMappingSequential, 2},   // MADV_SEQUENTIAL
      {kMappingRandom, 1},       // MADV_RANDOM
  };
  if (m.base == kBaseVvar || m.base == kBaseVdso) return;  // the kernel's own
  // Hints, applied where this kernel has them (KSM, THP).
  for (const Advice& a : kHints) {
    if (m.flags & a.bit) sys::madvise(m.start, m.end - m.start, a.advice);
  }
  // A name is visible state (/proc/PID/maps, what PHP's and Go's allocators
  // look for): the kernel's support was checked before the point of no
  // return (check_anon_names), so a failure here is a real error.
  char buf[kAnonNameMax];
  if (const char* name = anon_name(m, buf)) {
    constexpr int kPrSetVma = 0x53564d41, kPrSetVmaAnonName = 0;
    long done = sys::prctl(kPrSetVma, kPrSetVmaAnonName, long(m.start), long(m.end - m.start), long(name));
    if (sys::is_error(done)) {
      Text what;
      die_errno(what.add("re-applying the anonymous name to the mapping at ").hex(m.start).c_str(), done);
    }
  }
}

void apply_instance_flags() {
  for (uint32_t i = 0; i < g.process->mapping_count; ++i) {
    const MappingRecord& m = g.view.mapping(g.process->first_mapping + i);
    if (m.base == kBaseVvar || m.base == kBaseVdso) continue;
    uint64_t size = m.end - m.start;
    if ((m.flags & kMappingDroppable) && g.instances > 1) make_droppable(m);  // else map_by_copy made it so
    // The program's fork semantics: they must hold.
    if (m.flags & kMappingDontFork) {
      Text what;
      check(sys::madvise(m.start, size, 10 /* MADV_DONTFORK */), what.add("re-applying MADV_DONTFORK to the mapping at ").hex(m.start).c_str());
    }
    if (m.flags & kMappingWipeOnFork) {  // droppable memory has it already
      Text what;
      check(sys::madvise(m.start, size, 18 /* MADV_WIPEONFORK */), what.add("re-applying MADV_WIPEONFORK to the mapping at ").hex(m.start).c_str());
    }
    // The kernel never locks droppable memory (mlock_fixup skips
    // VM_DROPPABLE), so such a mapping never shows lo.
    if ((m.flags & kMappingLocked) && !(m.flags & kMappingDroppable)) {
      long locked = (m.flags & kMappingLockOnFault) ? sys::mlock2(m.start, size, sys::kMlockOnfault) : sys::mlock(m.start, size);
      if (sys::is_error(locked)) {
        Text what;
        die_errno(what.add("locking the mapping at ").hex(m.start).add(" (mlock, as the program had)").c_str(), locked);
      }
    }
  }
}

void apply_lock_future() {
  if (!(g.process->flags & kProcessLockFuture)) return;
  int flags = sys::kMclFuture | ((g.process->flags & kProcessLockFutureOnFault) ? sys::kMclOnfault : 0);
  check(sys::mlockall(flags), "re-applying the program's mlockall(MCL_FUTURE)");
}

}  // namespace snappy::restorer
