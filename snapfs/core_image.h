// The ELF core file of one process of a snapshot, as gdb reads it, produced
// on demand: `size()` and `read()` at any offset, so snapinfo can stream it
// to a file and snapfs can serve `core` with pread, neither storing it.
//
// Layout (as the kernel's own cores, fs/binfmt_elf.c, and CRIU's
// coredump.py): ELF header; program headers: one PT_NOTE, then one PT_LOAD
// per mapping; the notes: NT_PRSTATUS per thread (then NT_FPREGSET and
// NT_X86_XSTATE for it), NT_PRPSINFO, NT_SIGINFO, NT_AUXV, NT_FILE; then each
// mapping's memory, page-aligned. The memory of clean file-backed mappings
// is read from the original files; zero memory (kBaseZero pages without
// stored runs, holes of NAME.pages) stays a hole when written to a file.
#pragma once

#include <cstdint>
#include <vector>

#include "snapfs/snapshot_file.h"

namespace snappy {

class CoreImage {
 public:
  // Lays out the core of process `process` (an index into the snapshot's
  // processes). Throws SnapshotError.
  CoreImage(const SnapshotFile& snapshot, uint32_t process);

  uint64_t size() const;
  // Copies bytes [offset, offset + length) of the core into `out` (fewer at
  // the end); returns how many. Throws SnapshotError if a file vanished.
  uint64_t read(uint64_t offset, void* out, uint64_t length) const;
  // Whether [offset, offset + length) is all zero memory, which a writer can
  // leave as a hole (sparse core).
  bool is_hole(uint64_t offset, uint64_t length) const;

 private:
  struct Segment {
    uint64_t file_offset, size, vaddr;
    uint32_t mapping;  // index into the snapshot's mappings
    uint32_t base;     // its format::MappingBase (zero and pages ones have holes)
  };
  const SnapshotFile& snapshot_;
  uint32_t process_;
  std::vector<uint8_t> head_;  // ELF header, program headers and notes
  std::vector<Segment> segments_;
  uint64_t size_ = 0;
};

}  // namespace snappy
