// Prefaulting an instance's memory before any of the program runs: the
// learned write set (LearnedRunRecord, written by `snapinfo learn`), with
// --learned-reads the learned read set too, and with --populate the stored
// page runs of writable memory. Called by each instance (after -n's fork:
// fork copies no page-table entries of a file mapping without private
// pages, and a private copy made before the fork would be shared
// copy-on-write by every instance and copied again at each one's first
// write), once the VmFlags fork drops are applied (droppable memory is
// moved then) and before anything reads the snapshot's pages.
//
// Why (docs/DESIGN.md, "Learned working sets"): a read fault on a
// MAP_PRIVATE file mapping maps up to 16 pages read-only (fault-around,
// mm/memory.c do_read_fault), and a later write to one of them goes through
// do_wp_page, which copies the page and flushes the TLB; a write to a page
// not yet mapped (do_cow_fault) costs one fault. MADV_POPULATE_WRITE (Linux
// 5.14) takes that write-first path for a whole range in one call.
// process_madvise (any advice on oneself since Linux 6.13) takes up to 1024
// ranges in one call.
//
// Why the read set is not populated by default: MADV_POPULATE_READ walks
// the range a page at a time (GUP), and costs more than the faults it
// saves, even for a lone page that fault-around cannot help. Measured on
// this project's VM (kernel 6.18, page-cache pages, DESIGN "The read
// policy"): one page 0.9-1.0 us per range populated against 0.6-0.7 us for
// the read fault; 16 pages 3.0-3.4 us against 0.9 us; and per instance,
// numpy's trivial job 2.94 ms of task-clock with reads populated, 2.33 ms
// with the write set alone, 2.65 ms with neither.
//
// Only advice: the program's memory reads the same whether it is
// prefaulted or not, so a failure (an older kernel's EINVAL, ENOMEM) is
// ignored and the program takes the faults itself, as without a learned
// set. That is why this comes after the point of no return without a check
// before it.
#include <stddef.h>
#include <stdint.h>

#include "restore/restorer.h"

namespace snappy::restorer {

namespace {

constexpr uint32_t kMaxRanges = 1024;  // UIO_MAXIOV: process_madvise's limit
// Fewer ranges than this go one madvise each: pidfd_open and its close cost
// 5-8 us together on this project's VM, one madvise about 0.7 us, one range
// more in a process_madvise less than that (DESIGN "The read policy").
constexpr uint32_t kRangesWorthABatch = 16;
sys::IoVec g_ranges[kMaxRanges];
uint32_t g_range_count = 0;
// pidfd_open of this instance: -2 not tried yet, -1 none (one madvise per
// range from then on).
int g_self_pidfd = -2;

void advise_one_by_one(const sys::IoVec* ranges, uint32_t n, int advice) {
  for (uint32_t i = 0; i < n; ++i) sys::madvise(reinterpret_cast<uint64_t>(ranges[i].base), ranges[i].len, advice);
}

// The gathered ranges, advised in one process_madvise where the kernel
// takes it, else one madvise each (ENOSYS before 5.10; EINVAL for advice on
// oneself before 6.13; EPERM where a security module says no), and a few
// ranges one madvise each anyway.
void flush(int advice) {
  if (g_range_count == 0) return;
  if (g_self_pidfd == -2 && g_range_count < kRangesWorthABatch) {
    advise_one_by_one(g_ranges, g_range_count, advice);
    g_range_count = 0;
    return;
  }
  if (g_self_pidfd == -2) {
    long fd = sys::pidfd_open(sys::getpid());
    g_self_pidfd = sys::is_error(fd) ? -1 : int(fd);
  }
  uint32_t from = 0;
  if (g_self_pidfd >= 0) {
    long done = sys::process_madvise(g_self_pidfd, g_ranges, g_range_count, advice);
    if (sys::is_error(done)) {
      sys::close(g_self_pidfd);
      g_self_pidfd = -1;
    } else {
      // Stopped part way (a range it could not populate): the rest one by
      // one, the range it stopped in again.
      uint64_t left = uint64_t(done);
      while (from < g_range_count && left >= g_ranges[from].len) left -= g_ranges[from++].len;
    }
  }
  advise_one_by_one(g_ranges + from, g_range_count - from, advice);
  g_range_count = 0;
}

void add_range(uint64_t start, uint64_t size, int advice) {
  if (g_range_count > 0) {
    sys::IoVec& last = g_ranges[g_range_count - 1];
    if (reinterpret_cast<uint64_t>(last.base) + last.len == start) {
      last.len += size;
      return;
    }
  }
  if (g_range_count == kMaxRanges) flush(advice);
  g_ranges[g_range_count++] = {reinterpret_cast<const void*>(start), size};
}

bool in_process(uint32_t mapping) {
  return mapping >= g.process->first_mapping && mapping - g.process->first_mapping < g.process->mapping_count;
}

// The learned runs of one kind, in address order (sorted by mapping, and
// mappings by address).
void add_learned(uint32_t kind, int advice) {
  for (uint32_t i = 0; i < g.view.count(kLearnedRuns); ++i) {
    const LearnedRunRecord& r = g.view.learned(i);
    if (r.kind != kind || !in_process(r.mapping)) continue;
    const MappingRecord& m = g.view.mapping(r.mapping);
    add_range(m.start + r.first_page * kPageSize, r.page_count * kPageSize, advice);
  }
}

// --populate: the stored runs of writable private memory mapped from
// NAME.pages (a copied mapping's pages are in memory already), never the
// holes around them: a reservation the program never wrote (the JVM's
// heap) stays unmapped.
void add_stored_writable_runs() {
  for (uint32_t i = 0; i < g.process->mapping_count; ++i) {
    const MappingRecord& m = g.view.mapping(g.process->first_mapping + i);
    if (!(m.prot & sys::kProtWrite) || (m.flags & kMappingShared) || copies_stored_pages(m)) continue;
    for (uint32_t r = 0; r < m.run_count; ++r) {
      const PageRunRecord& run = g.view.run(m.first_run + r);
      add_range(run.start, run.size, sys::kMadvPopulateWrite);
    }
  }
}

}  // namespace

void prefault_instance_memory() {
  bool learned = g.use_learned && g.view.header().training_runs != 0;
  if (g.populate) {
    add_stored_writable_runs();
    flush(sys::kMadvPopulateWrite);
  }
  if (learned) {
    add_learned(kLearnedWrite, sys::kMadvPopulateWrite);
    flush(sys::kMadvPopulateWrite);
    if (g.learned_reads) {
      add_learned(kLearnedRead, sys::kMadvPopulateRead);
      flush(sys::kMadvPopulateRead);
    }
  }
  if (g_self_pidfd >= 0) sys::close(g_self_pidfd);  // before the fds are reopened
  g_self_pidfd = -2;
}

}  // namespace snappy::restorer
