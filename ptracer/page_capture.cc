#include "ptracer/page_capture.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "common/checksum.h"
#include "common/hex_text.h"

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
// Bit 58 (since 6.15): a guard page (madvise MADV_GUARD_INSTALL, 6.13;
// glibc 2.41 guards thread stacks so). Its PTE is a marker, which pagemap
// also shows as swapped (bit 62), and any access faults: /proc/PID/mem
// reads it as EIO. It holds nothing to store.
constexpr uint64_t kPmGuard = 1ull << 58;
constexpr size_t kPagemapChunk = 64 * 1024;  // entries per pread: 512 KiB, 256 MiB of memory
// Bytes per pread of /proc/PID/mem: 1 MiB, not more, since each page of the
// buffer costs a fault the first time (256 here), and reading in more
// pieces costs next to nothing.
constexpr size_t kReadChunk = 1 << 20;
// Bytes written to NAME.pages between two starts of its writeback: the disk
// writes while capture goes on reading, and the final fsync waits less.
constexpr uint64_t kWritebackEvery = 4 << 20;


[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

bool page_is_zero(const uint8_t* p) {
  uint64_t acc = 0;
  for (size_t i = 0; i < kPage; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    acc |= w;
  }
  return acc == 0;
}

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

// Reads exactly `size` bytes of `pid`'s memory at `addr`: process_vm_readv
// where the mapping is readable (it copies each page once, straight from
// the process's page; a pread of /proc/PID/mem copies it twice, through a
// kernel buffer: 4.8 ms of numpy's 16 MB), /proc/PID/mem (`mem`) for the
// rest, PROT_NONE included, and for whatever process_vm_readv leaves
// unread, so that a page that cannot be read fails as it always did.
void read_memory(pid_t pid, int mem, bool readable, uint8_t* buf, size_t size, uint64_t addr) {
  size_t done = 0;
  if (readable) {
    iovec local{buf, size}, remote{reinterpret_cast<void*>(addr), size};
    ssize_t n = ::process_vm_readv(pid, &local, 1, &remote, 1, 0);
    if (n > 0) done = static_cast<size_t>(n);
  }
  if (done < size) pread_exact(mem, buf + done, size - done, addr + done, "memory");
}

}  // namespace

PageCapture::ProcFile::ProcFile(pid_t pid, const char* file) {
  std::string path = "/proc/" + std::to_string(pid) + "/" + file;
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw_errno("opening " + path);
}

PageCapture::ProcFile::~ProcFile() { ::close(fd_); }

PageCapture::PageCapture(Snapshot& snapshot, AtomicFile& pages, bool guard_pages_are_holes)
    : guard_pages_are_holes_(guard_pages_are_holes),
      snapshot_(snapshot),
      pages_(pages),
      pm_buf_(new uint64_t[kPagemapChunk]),
      mem_buf_(new uint8_t[kReadChunk]),
      hash_(XXH3_createState()) {
  if (!hash_) throw std::bad_alloc();
  struct stat st;
  if (::fstat(pages_.fd(), &st) != 0) throw_errno("stat of " + pages_.path());
  pages_end_ = (static_cast<uint64_t>(st.st_size) + kPage - 1) & ~(kPage - 1);
}

PageCapture::~PageCapture() = default;

int PageCapture::proc_fd(pid_t pid, const char* file) {
  std::unique_ptr<ProcFile>& f = open_[{pid, file}];
  if (!f) f = std::make_unique<ProcFile>(pid, file);
  return f->get();
}

template <typename Want, typename OnRead>
void PageCapture::scan(const ProcMapsEntry& e, PageSource from, Want want, OnRead on_read) {
  int pagemap = proc_fd(from.presence, "pagemap");
  int mem = proc_fd(from.memory, "mem");
  uint64_t npages = (e.end - e.start) / kPage;
  for (uint64_t first = 0; first < npages; first += kPagemapChunk) {
    uint64_t count = std::min<uint64_t>(kPagemapChunk, npages - first);
    uint64_t chunk_start = e.start + first * kPage;
    pread_exact(pagemap, pm_buf_.get(), count * 8, chunk_start / kPage * 8, "pagemap");
    for (uint64_t i = 0; i < count; ++i) {
      if (!(pm_buf_[i] & kPmGuard)) continue;
      if (!guard_pages_are_holes_) {
        throw std::runtime_error("guard page (MADV_GUARD_INSTALL) at " + hex(chunk_start + i * kPage) + " in " +
                                 hex(e.start) + "-" + hex(e.end) + (e.path.empty() ? "" : " " + e.path) +
                                 ": restore cannot make one");
      }
      pm_buf_[i] = 0;
    }
    uint64_t i = 0;
    while (i < count) {
      if (!want(pm_buf_[i])) {
        ++i;
        continue;
      }
      uint64_t j = i + 1;
      while (j < count && j - i < kReadChunk / kPage && want(pm_buf_[j])) ++j;
      uint64_t addr = chunk_start + i * kPage, size = (j - i) * kPage;
      read_memory(from.memory, mem, e.readable, mem_buf_.get(), size, addr);
      on_read(addr, mem_buf_.get(), size);
      i = j;
    }
  }
}

void PageCapture::close_run() {
  if (!run_open_) return;
  run_.checksum = XXH3_64bits_digest(hash_.get());
  snapshot_.runs.push_back(run_);
  run_open_ = false;
}

void PageCapture::store(uint64_t addr, const uint8_t* data, uint64_t size) {
  if (run_open_ && addr != run_.start + run_.size) close_run();
  if (!run_open_) {
    run_ = format::PageRunRecord{};
    run_.start = addr;
    run_.pages_offset = in_region_ ? region_base_ + (addr - region_start_) : pages_end_;
    if (XXH3_64bits_reset(hash_.get()) != XXH_OK) throw std::runtime_error("xxh3 reset failed");
    run_open_ = true;
  }
  pages_.pwrite_all(data, size, run_.pages_offset + run_.size);
  if ((unwritten_ += size) >= kWritebackEvery) {
    pages_.start_writeback();
    unwritten_ = 0;
  }
  XXH3_64bits_update(hash_.get(), data, size);
  run_.size += size;
  stats_.bytes_stored += size;
  if (!in_region_) pages_end_ += size;
}

void PageCapture::store_nonzero(const ProcMapsEntry& e, PageSource from, format::MappingRecord& rec) {
  in_region_ = true;
  region_start_ = e.start;
  region_base_ = pages_end_;
  // A page never touched (neither present nor swapped) reads as zero.
  scan(e, from, [](uint64_t pm) { return (pm & (kPmPresent | kPmSwapped)) != 0; },
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
  in_region_ = false;
  if (rec.first_run == snapshot_.runs.size()) {
    rec.base = format::kBaseZero;
    return;
  }
  // The mapping owns [pages_offset, pages_offset + size) of NAME.pages, so
  // restore maps it in one piece; the unwritten parts are holes.
  rec.base = format::kBasePages;
  rec.pages_offset = region_base_;
  pages_end_ = region_base_ + (e.end - e.start);
}

void PageCapture::store_written(const ProcMapsEntry& e, PageSource from, format::MappingRecord&) {
  // Written (COW) pages, zero or not: a zero page still differs from the file.
  scan(e, from, [](uint64_t pm) { return (pm & (kPmPresent | kPmSwapped)) != 0 && (pm & kPmFile) == 0; },
       [&](uint64_t addr, const uint8_t* data, uint64_t size) { store(addr, data, size); });
  close_run();
}

void PageCapture::hash_vdso(const ProcMapsEntry& e, pid_t memory, format::MappingRecord& rec) {
  rec.base = format::kBaseVdso;
  uint64_t size = e.end - e.start;
  if (size > kReadChunk) {
    throw std::runtime_error("implausibly large [vdso] at " + hex(e.start) + "-" + hex(e.end) + " " + e.path);
  }
  pread_exact(proc_fd(memory, "mem"), mem_buf_.get(), size, e.start, "[vdso]");
  rec.checksum = checksum64(mem_buf_.get(), size);
}

PageCapture::Mark PageCapture::mark() const {
  return {snapshot_.runs.size(), pages_end_, stats_.bytes_stored, stats_.zero_pages_skipped};
}

void PageCapture::rollback(const Mark& m) {
  run_open_ = false;
  in_region_ = false;
  snapshot_.runs.resize(m.runs);
  // What was written past it is unreferenced: overwritten by the next
  // mapping's pages, or cut off by finish().
  pages_end_ = m.pages_end;
  stats_.bytes_stored = m.bytes_stored;
  stats_.zero_pages_skipped = m.zero_pages_skipped;
}

PageCaptureStats PageCapture::finish() {
  stats_.pages_size = pages_end_;
  // The apparent size covers trailing holes, so every mapping's region of
  // NAME.pages lies inside the file.
  pages_.truncate(pages_end_);
  return stats_;
}

}  // namespace snappy
