#include "ptracer/memory_capture.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <system_error>

#include "common/checksum.h"
#include "ptracer/vm_flags.h"

namespace snappy {

namespace {

constexpr uint64_t kPage = format::kPageSize;
// proc(5), /proc/PID/pagemap: one u64 per virtual page. Bit 63: present in
// RAM; bit 62: swapped; bit 61 (since 3.5): file page or shared anonymous.
// In a MAP_PRIVATE file mapping a page the process wrote is an anonymous
// COW copy, so present-or-swapped with bit 61 clear means "written". The
// PFN bits are zeroed for unprivileged readers (since 4.2); the flags are not.
constexpr uint64_t kPmPresent = 1ull << 63;
constexpr uint64_t kPmSwapped = 1ull << 62;
constexpr uint64_t kPmFile = 1ull << 61;
constexpr size_t kPagemapChunk = 64 * 1024;  // entries per pread: 512 KiB, 256 MiB of memory
// Bytes per pread of /proc/PID/mem: 1 MiB, not more, since each page of the
// buffer costs a fault the first time (256 here), and reading in more
// pieces costs next to nothing.
constexpr size_t kReadChunk = 1 << 20;
// Bytes written to NAME.pages between two starts of its writeback: the disk
// writes while capture goes on reading, and the final fsync waits less.
constexpr uint64_t kWritebackEvery = 4 << 20;

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string where(const ProcMapsEntry& e) {
  return hex(e.start) + "-" + hex(e.end) + (e.path.empty() ? "" : " " + e.path);
}

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

bool page_is_zero(const uint8_t* p) {
  uint64_t acc = 0;
  for (size_t i = 0; i < kPage; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    acc |= w;
  }
  return acc == 0;
}

class Fd {
 public:
  explicit Fd(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_ < 0) throw_errno("opening " + path);
  }
  ~Fd() { ::close(fd_); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads exactly `size` bytes at `offset`; anything less is an error: the
// callers only ask for pages that exist.
void pread_exact(int fd, void* buf, size_t size, uint64_t offset, const char* what) {
  auto* p = static_cast<uint8_t*>(buf);
  while (size > 0) {
    ssize_t n = ::pread(fd, p, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      throw_errno(std::string("reading ") + what + " at " + hex(offset));
    }
    p += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
}

enum class Kind { kAnon, kFile, kSharedFile, kVdso, kVvar };

// A mapping of an unlinked file: restore reopens backing files by path, and
// that path now names another file or none.
std::string deleted_file_error(const ProcMapsEntry& e) {
  std::string name = e.file_name();
  struct stat st;
  if (::stat(name.c_str(), &st) == 0) {
    return name + ": mapped file was deleted and another file now has its name; it cannot be reopened at restore";
  }
  return name + ": mapped file was deleted; it cannot be reopened at restore";
}

// What a maps entry is, or CaptureError if the snapshot cannot hold it.
Kind classify(const ProcMapsEntry& e) {
  const std::string& p = e.path;
  if (p == "[vdso]") return Kind::kVdso;
  // [vvar] and, since 6.13, [vvar_vclock]: kernel data pages, moved, not stored.
  if (starts_with(p, "[vvar")) return Kind::kVvar;
  // Shared anonymous memory shows as "/dev/zero (deleted)" (or "[anon_shmem:
  // NAME]" when named): no file to reopen, and sharing cannot be restored.
  bool anon_name = p.empty() || p == "[heap]" || starts_with(p, "[stack") || starts_with(p, "[anon:");
  if (e.shared && (anon_name || starts_with(p, "/dev/zero") || starts_with(p, "[anon_shmem:")))
    throw CaptureError("shared anonymous mapping at " + where(e) + ": not supported");
  if (anon_name) return Kind::kAnon;
  if (e.is_special()) throw CaptureError("unknown special mapping at " + where(e));
  if (e.deleted) throw CaptureError(deleted_file_error(e));
  if (!e.is_file()) throw CaptureError("mapping at " + where(e) + ": not backed by a regular file");
  if (e.shared) {
    if (e.writable) throw CaptureError("shared writable file mapping at " + hex(e.start) + ": " + p);
    return Kind::kSharedFile;
  }
  return Kind::kFile;
}

class Capturer {
 public:
  Capturer(pid_t pid, Snapshot& snapshot, FileTable& files, AtomicFile& pages)
      : snapshot_(snapshot),
        files_(files),
        pages_(pages),
        pagemap_("/proc/" + std::to_string(pid) + "/pagemap"),
        mem_("/proc/" + std::to_string(pid) + "/mem"),
        pm_buf_(new uint64_t[kPagemapChunk]),
        mem_buf_(new uint8_t[kReadChunk]),
        hash_(XXH3_createState()) {
    if (!hash_) throw std::bad_alloc();
    // Several processes may share one NAME.pages (snap): continue after
    // what is already there, page-aligned.
    struct stat st;
    if (::fstat(pages_.fd(), &st) != 0) throw_errno("stat of " + pages_.path());
    pages_end_ = (static_cast<uint64_t>(st.st_size) + kPage - 1) & ~(kPage - 1);
  }
  ~Capturer() { XXH3_freeState(hash_); }

  void capture(const ProcMapsEntry& e);
  MemoryCaptureStats stats() {
    stats_.pages_size = pages_end_;
    return stats_;
  }

 private:
  // Calls on_read(addr, bytes, size) for every maximal stretch (at most
  // kReadChunk) of pages in [e.start, e.end) whose pagemap entry satisfies
  // want(), with their current contents.
  template <typename Want, typename OnRead>
  void scan(const ProcMapsEntry& e, Want want, OnRead on_read);
  // Adds [addr, addr + size) to the pages file and the run list, extending
  // the open run when contiguous with it.
  void store(uint64_t addr, const uint8_t* data, uint64_t size);
  void close_run();

  void capture_anon(const ProcMapsEntry& e, format::MappingRecord& rec);
  void capture_file(const ProcMapsEntry& e, format::MappingRecord& rec);
  void capture_vdso(const ProcMapsEntry& e, format::MappingRecord& rec);

  Snapshot& snapshot_;
  FileTable& files_;
  AtomicFile& pages_;
  Fd pagemap_, mem_;
  std::unique_ptr<uint64_t[]> pm_buf_;
  std::unique_ptr<uint8_t[]> mem_buf_;
  XXH3_state_t* hash_;
  MemoryCaptureStats stats_;
  uint64_t pages_end_ = 0;
  uint64_t unwritten_ = 0;  // stored since the last start_writeback

  // The run being built. In anon mode (a kBasePages candidate) a run's file
  // offset is fixed by its address: anon_base_ + (addr - anon_start_); for
  // file mappings runs are appended back to back at pages_end_.
  bool run_open_ = false;
  format::PageRunRecord run_{};
  uint64_t anon_start_ = 0, anon_base_ = 0;
  bool anon_mode_ = false;
};

template <typename Want, typename OnRead>
void Capturer::scan(const ProcMapsEntry& e, Want want, OnRead on_read) {
  uint64_t npages = (e.end - e.start) / kPage;
  for (uint64_t first = 0; first < npages; first += kPagemapChunk) {
    uint64_t count = std::min<uint64_t>(kPagemapChunk, npages - first);
    uint64_t chunk_start = e.start + first * kPage;
    pread_exact(pagemap_.get(), pm_buf_.get(), count * 8, chunk_start / kPage * 8, "pagemap");
    uint64_t i = 0;
    while (i < count) {
      if (!want(pm_buf_[i])) {
        ++i;
        continue;
      }
      uint64_t j = i + 1;
      while (j < count && j - i < kReadChunk / kPage && want(pm_buf_[j])) ++j;
      uint64_t addr = chunk_start + i * kPage, size = (j - i) * kPage;
      pread_exact(mem_.get(), mem_buf_.get(), size, addr, "memory");
      on_read(addr, mem_buf_.get(), size);
      i = j;
    }
  }
}

void Capturer::close_run() {
  if (!run_open_) return;
  run_.checksum = XXH3_64bits_digest(hash_);
  snapshot_.runs.push_back(run_);
  run_open_ = false;
}

void Capturer::store(uint64_t addr, const uint8_t* data, uint64_t size) {
  if (run_open_ && addr != run_.start + run_.size) close_run();
  if (!run_open_) {
    run_ = format::PageRunRecord{};
    run_.start = addr;
    run_.pages_offset = anon_mode_ ? anon_base_ + (addr - anon_start_) : pages_end_;
    if (XXH3_64bits_reset(hash_) != XXH_OK) throw std::runtime_error("xxh3 reset failed");
    run_open_ = true;
  }
  pages_.pwrite_all(data, size, run_.pages_offset + run_.size);
  if ((unwritten_ += size) >= kWritebackEvery) {
    pages_.start_writeback();
    unwritten_ = 0;
  }
  XXH3_64bits_update(hash_, data, size);
  run_.size += size;
  stats_.bytes_stored += size;
  if (!anon_mode_) pages_end_ += size;
}

void Capturer::capture_anon(const ProcMapsEntry& e, format::MappingRecord& rec) {
  anon_mode_ = true;
  anon_start_ = e.start;
  anon_base_ = pages_end_;
  // A page never touched (neither present nor swapped) reads as zero.
  scan(e, [](uint64_t pm) { return (pm & (kPmPresent | kPmSwapped)) != 0; },
       [&](uint64_t addr, const uint8_t* data, uint64_t size) {
         // Store maximal stretches of non-zero pages; zero pages stay holes.
         uint64_t seg = 0;  // start of the current non-zero stretch, in bytes
         bool in_seg = false;
         for (uint64_t off = 0; off < size; off += kPage) {
           bool zero = page_is_zero(data + off);
           if (zero) ++stats_.zero_pages_skipped;
           if (zero && in_seg) store(addr + seg, data + seg, off - seg);
           if (!zero && !in_seg) seg = off;
           in_seg = !zero;
         }
         if (in_seg) store(addr + seg, data + seg, size - seg);
       });
  close_run();
  anon_mode_ = false;
  if (rec.first_run == snapshot_.runs.size()) {
    rec.base = format::kBaseZero;
    return;
  }
  // The mapping owns [pages_offset, pages_offset + size) of NAME.pages, so
  // restore maps it in one piece; the unwritten parts are holes.
  rec.base = format::kBasePages;
  rec.pages_offset = anon_base_;
  pages_end_ = anon_base_ + (e.end - e.start);
}

void Capturer::capture_file(const ProcMapsEntry& e, format::MappingRecord& rec) {
  rec.base = format::kBaseFile;
  try {
    // maps shows the device as major:minor of st_dev (proc(5)).
    rec.file_index = files_.intern(e.path, makedev(e.dev_major, e.dev_minor), e.inode);
  } catch (const std::runtime_error& err) {
    throw CaptureError("mapping at " + hex(e.start) + ": " + err.what());
  }
  rec.file_offset = e.offset;
  if (e.shared) return;  // read-only shared: the file is the whole truth
  // Written (COW) pages, zero or not: a zero page still differs from the file.
  scan(e,
       [](uint64_t pm) { return (pm & (kPmPresent | kPmSwapped)) != 0 && (pm & kPmFile) == 0; },
       [&](uint64_t addr, const uint8_t* data, uint64_t size) { store(addr, data, size); });
  close_run();
}

void Capturer::capture_vdso(const ProcMapsEntry& e, format::MappingRecord& rec) {
  rec.base = format::kBaseVdso;
  uint64_t size = e.end - e.start;
  if (size > kReadChunk) throw CaptureError("implausibly large [vdso] at " + where(e));
  pread_exact(mem_.get(), mem_buf_.get(), size, e.start, "[vdso]");
  rec.checksum = checksum64(mem_buf_.get(), size);
}

void Capturer::capture(const ProcMapsEntry& e) {
  if (e.start >= e.end || e.start % kPage != 0 || e.end % kPage != 0)
    throw CaptureError("malformed mapping " + where(e));
  Kind kind = classify(e);
  format::MappingRecord rec{};
  rec.start = e.start;
  rec.end = e.end;
  rec.prot = static_cast<uint32_t>(e.prot());
  if (e.shared) rec.flags |= format::kMappingShared;
  rec.first_run = static_cast<uint32_t>(snapshot_.runs.size());
  switch (kind) {
    case Kind::kAnon: capture_anon(e, rec); break;
    case Kind::kFile:
    case Kind::kSharedFile: capture_file(e, rec); break;
    case Kind::kVdso: capture_vdso(e, rec); break;
    case Kind::kVvar: rec.base = format::kBaseVvar; break;
  }
  rec.run_count = static_cast<uint32_t>(snapshot_.runs.size()) - rec.first_run;
  if (!e.path.empty()) rec.name = snapshot_.add_string(e.path);
  snapshot_.mappings.push_back(rec);
  ++stats_.mappings;
}

}  // namespace

MemoryCaptureStats capture_memory(pid_t pid, const std::vector<ProcMapsEntry>& entries,
                                  format::ProcessRecord& process, Snapshot& snapshot,
                                  FileTable& files, AtomicFile& pages) {
  Capturer capturer(pid, snapshot, files, pages);
  process.first_mapping = static_cast<uint32_t>(snapshot.mappings.size());
  for (const ProcMapsEntry& e : entries) capturer.capture(e);
  process.mapping_count = static_cast<uint32_t>(snapshot.mappings.size()) - process.first_mapping;
  // What madvise, mlock and mmap flags made of each mapping. The process
  // is stopped, so smaps lists the mappings maps did.
  std::map<uint64_t, VmFlags> vm = read_vmflags(pid);
  for (size_t i = process.first_mapping; i < snapshot.mappings.size(); ++i) {
    auto it = vm.find(snapshot.mappings[i].start);
    if (it != vm.end()) snapshot.mappings[i].flags |= it->second.mapping_flags;
  }
  MemoryCaptureStats stats = capturer.stats();
  // The apparent size covers trailing holes, so every mapping's region of
  // NAME.pages lies inside the file.
  pages.truncate(stats.pages_size);
  return stats;
}

}  // namespace snappy
