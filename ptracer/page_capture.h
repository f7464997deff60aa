// The one writer of NAME.pages, for ptracer's recordings and snap's live
// snapshots alike: reads a mapping's pages in large chunks
// (process_vm_readv, or /proc/PID/mem where only it can: PROT_NONE), takes
// which pages exist from /proc/PID/pagemap, and writes only what differs
// from the mapping's source, with one xxh3-64 per run (docs/DESIGN.md,
// "Memory"). What to do with a mapping is not decided here: that is the
// Capturer's policy (ptracer/memory_capture.h).
#pragma once

#include <sys/types.h>

#include <xxhash.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "common/atomic_file.h"
#include "common/snapshot_writer.h"
#include "ptracer/proc_maps.h"

namespace snappy {

// Where a mapping's pages come from: `memory`'s /proc/PID/mem, with
// presence from `presence`'s pagemap. snap reads a shared mapping from its
// frozen copy but asks the process which pages exist: fork copies no page
// tables of a shared mapping (they are faulted in on use), so the copy's
// pagemap shows none of its pages.
struct PageSource {
  pid_t memory = 0;
  pid_t presence = 0;
};

struct PageCaptureStats {
  uint64_t bytes_stored = 0;      // page data written to NAME.pages
  uint64_t zero_pages_skipped = 0;
  uint64_t pages_size = 0;        // apparent size of NAME.pages
};

class PageCapture {
 public:
  // Continues after what `pages` already holds (snap writes several
  // processes into one NAME.pages), page-aligned. A guard page
  // (MADV_GUARD_INSTALL) is a hole if `guard_pages_are_holes` (snap: it
  // holds nothing), else refused with std::runtime_error (a recording:
  // restore would make it a zero page, readable where the program's
  // faulted).
  PageCapture(Snapshot& snapshot, AtomicFile& pages, bool guard_pages_are_holes);
  ~PageCapture();
  PageCapture(const PageCapture&) = delete;
  PageCapture& operator=(const PageCapture&) = delete;

  // Present (or swapped) non-zero pages of `e`. With any, `rec` becomes
  // kBasePages and owns a page-aligned region of NAME.pages as long as the
  // mapping, written only where pages are non-zero (holes elsewhere);
  // without, kBaseZero.
  void store_nonzero(const ProcMapsEntry& e, PageSource from, format::MappingRecord& rec);
  // The pages a private file mapping's process wrote (present or swapped,
  // not a file page), zero or not, as runs appended to NAME.pages.
  void store_written(const ProcMapsEntry& e, PageSource from, format::MappingRecord& rec);
  // The xxh3-64 of the [vdso]'s bytes into rec.checksum.
  void hash_vdso(const ProcMapsEntry& e, pid_t memory, format::MappingRecord& rec);

  // What has been stored so far, to go back to if a mapping fails midway
  // (snap keeps it without data): its runs are dropped, its region given
  // back and its bytes no longer counted.
  struct Mark {
    size_t runs;
    uint64_t pages_end, bytes_stored, zero_pages_skipped;
  };
  Mark mark() const;
  void rollback(const Mark& m);

  // Sets NAME.pages' apparent size to cover every region (trailing holes
  // included) and returns the stats.
  PageCaptureStats finish();

 private:
  // An fd of /proc/PID/FILE, closed with the PageCapture.
  class ProcFile {
   public:
    ProcFile(pid_t pid, const char* file);  // throws std::system_error
    ~ProcFile();
    ProcFile(const ProcFile&) = delete;
    ProcFile& operator=(const ProcFile&) = delete;
    int get() const { return fd_; }

   private:
    int fd_;
  };
  struct FreeXxh3 {
    void operator()(XXH3_state_t* s) const { XXH3_freeState(s); }
  };
  // Calls on_read(addr, bytes, size) for every maximal stretch (at most
  // kReadChunk) of pages in [e.start, e.end) whose pagemap entry satisfies
  // want(), with their current contents.
  template <typename Want, typename OnRead>
  void scan(const ProcMapsEntry& e, PageSource from, Want want, OnRead on_read);
  // Adds [addr, addr + size) to the pages file and the run list, extending
  // the open run when contiguous with it.
  void store(uint64_t addr, const uint8_t* data, uint64_t size);
  void close_run();
  // /proc/PID/FILE ("pagemap", "mem"), opened at the first use.
  int proc_fd(pid_t pid, const char* file);

  bool guard_pages_are_holes_;
  Snapshot& snapshot_;
  AtomicFile& pages_;
  std::map<std::pair<pid_t, std::string>, std::unique_ptr<ProcFile>> open_;
  std::unique_ptr<uint64_t[]> pm_buf_;
  std::unique_ptr<uint8_t[]> mem_buf_;
  std::unique_ptr<XXH3_state_t, FreeXxh3> hash_;
  PageCaptureStats stats_;
  uint64_t pages_end_ = 0;
  uint64_t unwritten_ = 0;  // stored since the last start_writeback

  // The run being built. In a kBasePages region a run's file offset is
  // fixed by its address: region_base_ + (addr - region_start_); for file
  // mappings runs are appended back to back at pages_end_.
  bool run_open_ = false;
  format::PageRunRecord run_{};
  uint64_t region_start_ = 0, region_base_ = 0;
  bool in_region_ = false;
};

}  // namespace snappy
