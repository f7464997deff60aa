// The memory of a snapshot, one engine for ptracer's recordings and snap's
// live snapshots: one MappingRecord per /proc/PID/maps entry, classified
// once (proc_maps.h, classify), stored by one page writer
// (ptracer/page_capture.h), and a policy for what differs
// (docs/DESIGN.md, "Memory" and "Live processes"):
//
// Recording (ptracer): every mapping must come back at restore.
//   * anonymous private mappings: present, non-zero pages, as a kBasePages
//     region of NAME.pages (kBaseZero with none).
//   * private file mappings: the file, plus the pages the process wrote
//     (pagemap: present, not a file page) as runs appended to NAME.pages.
//   * read-only shared file mappings: the file alone.
//   * [vdso]: kBaseVdso with the xxh3-64 of its bytes; [vvar],
//     [vvar_vclock]: kBaseVvar. Neither is stored.
//   Refused (CaptureError): shared anonymous memory, writable shared file
//   mappings, deleted or non-regular backing files, unknown kernel labels.
// Live (snap): for inspection, nothing refused. The content classes asked
//   for (LiveClass, less MADV_DONTDUMP and coredump_filter) are stored: the
//   non-zero pages of whatever has no file to name (shared, deleted,
//   hugetlb, SysV), the written pages of a regular private file mapping;
//   a regular file mapping not stored keeps its file reference; anything
//   else, or a mapping whose read fails, is kept without data (kBaseZero),
//   the failure said in one line (unreadable()).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/atomic_file.h"
#include "common/snapshot_writer.h"
#include "ptracer/file_table.h"
#include "ptracer/page_capture.h"
#include "ptracer/proc_maps.h"
#include "ptracer/vm_flags.h"

namespace snappy {

struct CaptureError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Content classes (gcore -c): which mappings' contents a live snapshot stores.
enum LiveClass : uint32_t {
  kClassAnonPrivate = 1,
  kClassAnonShared = 2,   // MAP_SHARED|MAP_ANONYMOUS, memfd, [anon_shmem:]
  kClassFilePrivate = 4,  // only pages the process wrote, never clean pages
  kClassFileShared = 8,   // the file's pages as mapped (off by default)
  kClassShm = 16,         // SysV shared memory (/SYSV...)
  kClassHuge = 32,        // hugetlbfs mappings (VmFlags ht)
  kClassDefault = kClassAnonPrivate | kClassAnonShared | kClassFilePrivate | kClassShm | kClassHuge,
  kClassAll = kClassDefault | kClassFileShared,
};

struct CapturePolicy {
  bool live = false;  // false: a recording (refuses); true: snap's policy
  uint32_t classes = kClassDefault;  // live: LiveClass bits stored
  bool ignore_filter = false;        // live: store MADV_DONTDUMP memory, ignore coredump_filter
  uint32_t coredump_filter = 0x33;   // live: /proc/PID/coredump_filter (core(5))
};

struct MemoryCaptureStats {
  uint64_t mappings = 0;
  uint64_t bytes_stored = 0;      // page data written to NAME.pages
  uint64_t zero_pages_skipped = 0;
  uint64_t pages_size = 0;        // apparent size of NAME.pages
};

class Capturer {
 public:
  // Memory is read from `source`; `process` is the process itself, whose
  // VmFlags are recorded (snap reads from its frozen copy, which has lost
  // the locks and the MADV_DONTFORK mappings). A recording passes the same
  // pid twice. `process` must be stopped or its smaps may list other
  // mappings than the maps entries given.
  Capturer(pid_t source, pid_t process, const CapturePolicy& policy, Snapshot& snapshot, FileTable& files,
           AtomicFile& pages);
  // The same with `process`'s VmFlags already read (read_vmflags), with
  // the process stopped since.
  Capturer(pid_t source, pid_t process, const CapturePolicy& policy, Snapshot& snapshot, FileTable& files,
           AtomicFile& pages, std::map<uint64_t, VmFlags> vm);

  // Appends the MappingRecord of `e` (none for MappingClass::kOutside in a
  // live snapshot) and its runs. A recording throws CaptureError for what
  // it cannot hold; a live snapshot throws only WriteError (NAME.pages
  // cannot be written).
  void capture(const ProcMapsEntry& e);
  // Sizes NAME.pages to cover every region; call once, after the last.
  MemoryCaptureStats finish();
  // Live: "START-END PATH: REASON" for each mapping kept without data
  // because it could not be read (a failure, not an exclusion).
  const std::vector<std::string>& unreadable() const { return unreadable_; }

 private:
  format::MappingRecord recorded(const ProcMapsEntry& e, MappingClass cls);
  // Whether it made the record (false: MappingClass::kOutside).
  bool live(const ProcMapsEntry& e, MappingClass cls, const VmFlags& vm, format::MappingRecord& rec);
  bool wanted(MappingClass cls, const ProcMapsEntry& e, const VmFlags& vm) const;
  // rec names e's file (kBaseFile); throws what FileTable throws.
  void file_reference(const ProcMapsEntry& e, format::MappingRecord& rec);

  pid_t source_, process_;
  CapturePolicy policy_;
  Snapshot& snapshot_;
  FileTable& files_;
  PageCapture pages_;
  std::map<uint64_t, VmFlags> vm_;  // the process's VmFlags by start address
  std::set<uint64_t> in_source_;    // live, forked: the mappings the frozen copy has
  uint64_t mappings_ = 0;
  std::vector<std::string> unreadable_;
};

// A recording's memory: every entry (sorted, already filtered by the
// caller) through a Capturer with the recording policy, appended to
// snapshot.mappings / runs, page data to `pages`. Sets
// process.first_mapping / mapping_count. `vm` is read_vmflags(pid), read
// while the process was stopped as it still is: the caller reads it ahead,
// on a thread of its own (smaps walks every page table, 2 ms for numpy).
MemoryCaptureStats capture_memory(pid_t pid, const std::vector<ProcMapsEntry>& entries,
                                  format::ProcessRecord& process, Snapshot& snapshot,
                                  FileTable& files, AtomicFile& pages, std::map<uint64_t, VmFlags> vm);

}  // namespace snappy
