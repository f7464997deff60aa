// Mapping the snapshot (restore_main.cc calls it once the address space is
// cleared): each recorded mapping made again, its stored pages mapped from
// NAME.pages (--anon=mapped, the default) or read into it (--anon=exact,
// and the mappings the kernel requires to be anonymous), then the hints the
// recorded mappings had (mapping_flags.cc; what fork drops comes in each
// instance). One rule, copies_stored_pages, decides mapped or read, here and
// in check_exec_mounts.
#include <stddef.h>
#include <stdint.h>

#include "restore/restorer.h"

namespace snappy::restorer {

namespace {

int reserve_flag(const MappingRecord& m);

// The mapping made as a cold run has it, with its stored pages read into it:
// anonymous memory (kBasePages, kBaseZero), or the private file mapping
// whose written pages they are (they become its copied-on-write pages, as
// the program's own writes made them). Costs a copy of the stored pages and
// their private memory in each instance (README "Anonymous memory"). The
// mapping is writable while it is filled, then gets its recorded
// protection. Droppable memory is mapped MAP_DROPPABLE here when this
// process is the one instance; with -n N the children would read it as
// zeros (fork wipes droppable memory), so it is ordinary memory here and
// each instance makes it droppable after the fork (mapping_flags.cc).
void map_by_copy(const MappingRecord& m) {
  Text what;
  int prot = int(m.prot) | sys::kProtWrite, flags = sys::kMapFixed | reserve_flag(m);
  long mapped;
  if (m.base == kBaseFile) {
    what.add(g.view.string(g.view.file(m.file_index).path));
    mapped = sys::mmap(m.start, m.end - m.start, prot, flags | sys::kMapPrivate, g_file_fds[m.file_index], m.file_offset);
  } else {
    what.add("mapping anonymous memory at ").hex(m.start);
    int type = (m.flags & kMappingDroppable) && g.instances == 1 ? sys::kMapDroppable : sys::kMapPrivate;
    mapped = sys::mmap(m.start, m.end - m.start, prot, flags | type | sys::kMapAnonymous, -1, 0);
  }
  check(mapped, what.c_str());
  for (uint32_t r = 0; r < m.run_count; ++r) {
    const PageRunRecord& run = g.view.run(m.first_run + r);
    // Faulted in by one call, not one fault per page inside pread's copy
    // (a numpy restore, 16 MB stored: 28 ms against 40 ms on this VM, where
    // fresh memory is costly). Only a hint: before Linux 5.14 it fails
    // EINVAL and pread faults the pages itself.
    sys::madvise(run.start, run.size, 23 /* MADV_POPULATE_WRITE */);
    uint64_t done = 0;
    while (done < run.size) {
      long n = sys::pread(g.pages_fd, reinterpret_cast<void*>(run.start + done), run.size - done, long(run.pages_offset + done));
      if (n == -4) continue;  // EINTR
      if (n <= 0) die(g_pages_path, "short read of stored pages", &run.start);
      done += uint64_t(n);
    }
  }
  if (!(m.prot & sys::kProtWrite)) check(sys::mprotect(m.start, m.end - m.start, int(m.prot)), what.c_str());
}

constexpr int kPrSetVma = 0x53564d41, kPrSetVmaAnonName = 0;

}  // namespace

// maps shows the name as "[anon:NAME]".
const char* anon_name(const MappingRecord& m, char (&buf)[kAnonNameMax]) {
  if ((m.base != kBaseZero && m.base != kBasePages) || (m.flags & kMappingShared) || m.name.size == 0) return nullptr;
  const char* p = g.view.string(m.name);  // checked: NUL-terminated, m.name.size bytes
  const char prefix[] = "[anon:";
  uint64_t len = m.name.size - 1, prefix_len = sizeof prefix - 1;
  if (len < prefix_len + 2 || p[len - 1] != ']' || len - prefix_len > kAnonNameMax) return nullptr;
  for (uint64_t i = 0; i < prefix_len; ++i) {
    if (p[i] != prefix[i]) return nullptr;
  }
  uint64_t n = len - prefix_len - 1;
  for (uint64_t i = 0; i < n; ++i) buf[i] = p[prefix_len + i];
  buf[n] = 0;
  return buf;
}


// Whether a mapping's stored pages are read in (map_by_copy) rather than
// mapped from NAME.pages. A page mapped from NAME.pages is a page of that
// file: MADV_DONTNEED brings the snapshot's bytes back instead of zeros (or
// the backing file's bytes), MADV_FREE fails EINVAL, and mremap growth maps
// the bytes that follow in NAME.pages (another mapping's) instead of zeros
// (tests/targets/anon_*.c). With --anon=exact every private mapping's pages
// are read in. With --anon=mapped (the default: exact costs a copy and its
// memory per instance, README "Anonymous memory") only those of the mappings
// the kernel requires to be anonymous: the argument area (FOLL_ANON),
// MADV_WIPEONFORK (EINVAL on a file), PR_SET_VMA_ANON_NAME, and droppable
// memory (each instance moves it whole into MAP_DROPPABLE memory,
// mapping_flags.cc, which needs one anonymous VMA). A shared file mapping is
// never written (it is the file alone). One rule for map_snapshot and
// check_exec_mounts.
bool copies_stored_pages(const MappingRecord& m) {
  char buf[kAnonNameMax];
  uint32_t anonymous_only = kMappingWipeOnFork | kMappingDroppable;
  if (m.base == kBaseFile) return g.anon_exact && m.run_count && !(m.flags & kMappingShared);
  if (m.base == kBasePages) return g.anon_exact || holds_arguments(m) || (m.flags & anonymous_only) || anon_name(m, buf);
  return m.base == kBaseZero && m.run_count && (g.anon_exact || anon_name(m, buf) || (m.flags & kMappingDroppable));
}

namespace {

// mmap flags for stored pages. --populate faults them in later, run by run
// (prefault.cc): MAP_POPULATE here would also fill the holes of a
// kBasePages mapping, every untouched page of a reservation.
int stored_page_flags(int) { return sys::kMapPrivate | sys::kMapFixed; }

// MAP_NORESERVE can only be given at mmap time.
int reserve_flag(const MappingRecord& m) { return (m.flags & kMappingNoReserve) ? sys::kMapNoreserve : 0; }

// Whether the mapping's page runs cover all of it: its base (the backing
// file, zero pages) would be mapped only to be replaced whole, so it is not
// mapped at all. A library's relocated RELRO and .data pages are like this:
// 58 of numpy's 186 mappings, a third of restore's mmaps.
bool covered_by_runs(const MappingRecord& m) {
  uint64_t address = m.start;
  for (uint32_t r = 0; r < m.run_count; ++r) {
    const PageRunRecord& run = g.view.run(m.first_run + r);
    if (run.start != address) return false;
    address += run.size;
  }
  return address == m.end;
}

// mmaps of NAME.pages, joined while each one continues the last in memory
// and in the file with the same protection and flags: the kernel would
// merge the VMAs anyway (vma_merge: same file, consecutive offsets, same
// flags), so one call makes what many did. A library's .data and the
// zero-page tail after it (its .bss, stored in the mapping that follows)
// are written one after the other, and so are their pages in NAME.pages.
// Mapping anything else flushes the pending call first, so every mmap
// still happens in the order the mappings are recorded.
struct PagesMmap {
  uint64_t start = 0, size = 0, offset = 0;
  int prot = 0, flags = 0;

  void add(uint64_t at, uint64_t bytes, int p, int f, uint64_t from) {
    if (size && at == start + size && from == offset + size && p == prot && f == flags) {
      size += bytes;
      return;
    }
    flush();
    start = at, size = bytes, offset = from, prot = p, flags = f;
  }
  void flush() {
    if (size) check(sys::mmap(start, size, prot, flags, g.pages_fd, long(offset)), g_pages_path);
    size = 0;
  }
};

}  // namespace

// Names are only given to anonymous memory (EINVAL on a file mapping, and on
// a kernel without CONFIG_ANON_VMA_NAME, which a zero-length call shows):
// refused before anything is undone rather than restored without its name.
void check_anon_names() {
  char buf[kAnonNameMax];
  for (uint32_t i = 0; i < g.process->mapping_count; ++i) {
    const MappingRecord& m = g.view.mapping(g.process->first_mapping + i);
    if (!anon_name(m, buf)) continue;
    long probe = sys::prctl(kPrSetVma, kPrSetVmaAnonName, long(m.start), 0, long(buf));
    if (sys::is_error(probe)) {
      Text what;
      what.add("the anonymous mapping at ").hex(m.start).add(" named ").add(buf);
      die(what.c_str(), "this kernel cannot name anonymous memory (no CONFIG_ANON_VMA_NAME)");
    }
    return;
  }
}

void map_snapshot() {
  PagesMmap pages;
  for (uint32_t i = 0; i < g.process->mapping_count; ++i) {
    const MappingRecord& m = g.view.mapping(g.process->first_mapping + i);
    uint64_t size = m.end - m.start;
    int prot = int(m.prot);
    if (m.base != kBasePages && copies_stored_pages(m)) {
      pages.flush();
      map_by_copy(m);
      continue;
    }
    switch (m.base) {
      case kBaseZero: {
        if (covered_by_runs(m)) break;
        pages.flush();
        long mapped = sys::mmap(m.start, size, prot, sys::kMapPrivate | sys::kMapAnonymous | sys::kMapFixed | reserve_flag(m), -1, 0);
        if (sys::is_error(mapped)) {
          Text what;
          die_errno(what.add("mapping zero pages at ").hex(m.start).c_str(), mapped);
        }
        break;
      }
      case kBaseFile: {
        bool shared = m.flags & kMappingShared;
        if (!shared && covered_by_runs(m)) break;
        pages.flush();
        check(sys::mmap(m.start, size, prot, (shared ? sys::kMapShared : sys::kMapPrivate) | sys::kMapFixed | reserve_flag(m),
                        g_file_fds[m.file_index], m.file_offset),
              g.view.string(g.view.file(m.file_index).path));
        break;
      }
      case kBasePages:
        if (copies_stored_pages(m)) {
          pages.flush();
          map_by_copy(m);
        } else {
          pages.add(m.start, size, prot, stored_page_flags(prot) | reserve_flag(m), m.pages_offset);
        }
        continue;  // its runs are part of this one mapping
      case kBaseVvar:
      case kBaseVdso:
        pages.flush();
        if (!(g.process->flags & kProcessNoVdso)) {
          uint64_t parked = kParkedSpecial + 0x100000 + (m.start - g.recorded_vdso);
          check(sys::mremap(parked, size, size, sys::kMremapMaymove | sys::kMremapFixed, m.start), "placing the vDSO");
        }
        continue;
    }
    for (uint32_t r = 0; r < m.run_count; ++r) {
      const PageRunRecord& run = g.view.run(m.first_run + r);
      pages.add(run.start, run.size, prot, stored_page_flags(prot), run.pages_offset);
    }
  }
  pages.flush();
  // Once everything is mapped: a page run mapped over a mapping's base
  // replaces that part of its VMA, which would lose an advice given first.
  // What fork drops comes in each instance (apply_instance_flags).
  for (uint32_t i = 0; i < g.process->mapping_count; ++i) apply_mapping_hints(g.view.mapping(g.process->first_mapping + i));
  recheck_files();
  close_files();
}

}  // namespace snappy::restorer
