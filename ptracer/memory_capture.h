// Captures a stopped process's memory into a snapshot: one MappingRecord per
// /proc/PID/maps entry, and into NAME.pages only the pages that differ from
// their source (docs/DESIGN.md, "Memory"):
//   * anonymous private mappings: present, non-zero pages. A mapping with
//     any such page becomes kBasePages and owns a page-aligned region of
//     NAME.pages as long as itself, written only where pages are non-zero
//     (holes elsewhere: the file is sparse); runs record the written parts.
//     A mapping with none stays kBaseZero.
//   * private file mappings: pages the process wrote (pagemap: present, not
//     a file page, i.e. bit 61 clear) become runs appended to NAME.pages;
//     the base is the file.
//   * read-only shared file mappings: the file alone.
//   * [vdso]: kBaseVdso with the xxh3-64 of its bytes; [vvar], [vvar_vclock]:
//     kBaseVvar. Neither is stored.
// Refused (CaptureError): shared anonymous memory, writable shared file
// mappings, deleted or non-regular backing files.
// Memory is read through /proc/PID/mem (which, unlike process_vm_readv,
// reads PROT_NONE pages too) in large chunks; presence comes from
// /proc/PID/pagemap (bits 63 present, 62 swapped, 61 file page).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "common/atomic_file.h"
#include "common/snapshot_writer.h"
#include "ptracer/file_table.h"
#include "ptracer/proc_maps.h"

namespace snappy {

struct CaptureError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct MemoryCaptureStats {
  uint64_t mappings = 0;
  uint64_t bytes_stored = 0;      // page data written to NAME.pages
  uint64_t zero_pages_skipped = 0;
  uint64_t pages_size = 0;        // apparent size of NAME.pages
};

// Appends to snapshot.mappings / runs (and files, through `files`) for the
// given entries (sorted, already filtered by the caller) and writes page data
// to `pages`. Sets process.first_mapping / mapping_count.
MemoryCaptureStats capture_memory(pid_t pid, const std::vector<ProcMapsEntry>& entries,
                                  format::ProcessRecord& process, Snapshot& snapshot,
                                  FileTable& files, AtomicFile& pages);

}  // namespace snappy
