// Everything restore validates before its first irreversible step.
#include "common/checksum.h"
#include "common/cpu_features.h"
#include "common/fd_record.h"
#include "common/pages_binding.h"
#include "common/pages_extents.h"
#include "restore/restorer.h"

namespace snappy::restorer {

constexpr uint64_t kAtSysinfoEhdr = 33;

namespace {

// Restoring runs the snapshot's memory as the caller: a file someone else
// owns, or that others may write, could be anyone's code (--trust overrides).
void check_trusted(const char* path, const sys::KernelStat& st) {
  if (g.trust) return;
  if (st.st_uid != uint32_t(sys::geteuid())) {
    uint64_t uid = st.st_uid;
    die(path, "owned by another user, whose memory image restore would run as you (--trust to restore anyway); owner uid", &uid);
  }
  if (st.st_mode & 022) die(path, "writable by group or others (--trust to restore anyway)");
}

// NAME.pages must be the one written with this NAME.info (a writer killed
// between its two renames leaves a pair from two recordings).
void check_pages_binding(uint64_t pages_size) {
  uint64_t id = g.view.header().pages_id;
  if (id != 0 && !pages_trailer_matches(g.pages_fd, pages_size, id)) {
    die(g_pages_path, "belongs to another snapshot than its .info (NAME.info and NAME.pages do not match)");
  }
}

}  // namespace

// ---- reading and validating -----------------------------------------------

namespace {

// NAME.info into the info buffer; returns its size.
uint64_t read_info_file() {
  // O_NONBLOCK: a FIFO in NAME.info's place must not hang the open; it is
  // refused as not a regular file.
  int fd = int(sys::open(g_info_path, sys::kO_RDONLY | sys::kO_CLOEXEC | sys::kO_NONBLOCK));
  if (fd < 0) die_errno(g_info_path, fd);
  sys::KernelStat st;
  check(sys::fstat(fd, &st), g_info_path);
  check_trusted(g_info_path, st);
  if ((st.st_mode & 0170000) != 0100000) die(g_info_path, "not a regular file");
  uint64_t size = uint64_t(st.st_size);
  if (size > kMaxInfoSize) die(g_info_path, "info file too large", &size);
  if (size == 0) die(g_info_path, "empty file");
  // Read, not map: the bytes we validate must be the bytes we use.
  long buf = sys::mmap(kInfoBuffer, round_up(size), sys::kProtRead | sys::kProtWrite,
                       sys::kMapPrivate | sys::kMapAnonymous | sys::kMapFixedNoreplace, -1, 0);
  check(buf, "buffer for the info file");
  uint64_t done = 0;
  while (done < size) {
    long n = sys::pread(fd, reinterpret_cast<char*>(kInfoBuffer) + done, size - done, long(done));
    if (n == -4) continue;  // EINTR
    if (n == 0) die(g_info_path, "file shrank while being read");
    if (n < 0) die_errno(g_info_path, n);
    done += uint64_t(n);
  }
  sys::close(fd);
  return size;
}

}  // namespace

void read_info() {
  // NAME.info, then NAME.pages: a pair from two recordings (NAME recorded
  // again in between) is read again, a few times, before it is refused as
  // today; the writer's two renames are microseconds apart unless it is
  // preempted between them.
  constexpr int kTries = 6;
  constexpr int64_t kPauseNs[kTries] = {0, 1000000, 10000000, 50000000, 200000000, 0};
  sys::KernelStat st;
  uint64_t size = 0;
  for (int attempt = 0;; ++attempt) {
    size = read_info_file();
    g.pages_fd = int(sys::open(g_pages_path, sys::kO_RDONLY | sys::kO_CLOEXEC | sys::kO_NONBLOCK));
    if (g.pages_fd < 0) die_errno(g_pages_path, g.pages_fd);
    check(sys::fstat(g.pages_fd, &st), g_pages_path);
    check_trusted(g_pages_path, st);
    if ((st.st_mode & 0170000) != 0100000) die(g_pages_path, "not a regular file");
    if (attempt == kTries - 1 || !pair_from_two_recordings(reinterpret_cast<const void*>(kInfoBuffer), size, g.pages_fd, uint64_t(st.st_size))) break;
    sys::close(g.pages_fd);
    sys::munmap(kInfoBuffer, round_up(size));
    if (kPauseNs[attempt]) {
      sys::Timespec pause{0, kPauseNs[attempt]};
      sys::nanosleep(&pause);
    }
  }

  InfoError error;
  if (!g.view.open(reinterpret_cast<const void*>(kInfoBuffer), size, uint64_t(st.st_size), &error)) {
    die(g_info_path, error.what, error.has_value ? &error.value : nullptr);
  }
  check_pages_binding(uint64_t(st.st_size));
  if (g.view.count(kProcesses) != 1) die(g_info_path, "restore brings up one process; this snapshot has several");
  g.process = &g.view.process(0);
  if (g.process->flags & kProcessLive) {
    die(g_info_path, "a snapshot of a live process (taken by snap) is for inspection and cannot be restored");
  }
  if (g.process->thread_count > kMaxThreads) die(g_info_path, "more threads than restore can start (1024)");
  // The first thread is the leader (the recorder puts it first): restore's
  // own thread becomes it.
  g.thread = &g.view.thread(g.process->first_thread);
}

// The saved XSAVE state can only be loaded where the same state components
// exist in the same layout, and the program's code may use every CPU
// feature the recording CPU had.
void check_cpu() {
  const Header& h = g.view.header();
  if (read_xcr0() != h.xcr0) die(g_info_path, "this CPU enables other XSAVE features (XCR0) than the recording CPU", &h.xcr0);
  uint32_t xsave_size = read_xsave_size();
  if (xsave_size != h.xsave_size) die(g_info_path, "this CPU's XSAVE area differs in size from the recording CPU's");
  for (uint32_t i = 0; i < g.process->thread_count; ++i) {
    if (g.view.thread(g.process->first_thread + i).xsave.size > xsave_size) {
      die(g_info_path, "saved XSAVE area larger than this CPU's");
    }
  }
  uint32_t features[kCpuFeatureWords];
  read_cpu_features(features);
  for (int i = 0; i < kCpuFeatureWords; ++i) {
    uint64_t missing = h.cpu_features[i] & ~features[i];
    if (missing) die(kCpuFeatureWordNames[i], "this CPU lacks features the recording CPU had (missing bits)", &missing);
  }
}

// How the file open as `st` differs from the recorded `f`
// (common/recorded_file.h), from the kernel's struct stat.
FileChange recorded_file_change(const FileRecord& f, const sys::KernelStat& st) {
  FileState now{st.st_dev, st.st_ino, st.st_mode, uint64_t(st.st_size),
                st.st_mtime_sec * 1000000000ull + st.st_mtime_nsec, st.st_ctime_sec * 1000000000ull + st.st_ctime_nsec};
  return snappy::recorded_file_change(f, now);
}

bool is_recorded_file(const FileRecord& f, const sys::KernelStat& st) {
  return recorded_file_change(f, st) == FileChange::kNone;
}

// Opens every backing file and checks it is the one that was recorded. Each
// file is checked and then used through the very same fd (mapped, hashed by
// --verify): a file renamed over the path after the check is never mapped.
void open_files() {
  uint32_t n = g.view.count(kFiles);
  if (n > kMaxFiles) die(g_info_path, "too many backing files");
  for (uint32_t i = 0; i < n; ++i) {
    const FileRecord& f = g.view.file(i);
    const char* path = g.view.string(f.path);
    // O_NONBLOCK: a FIFO in a backing file's place must not hang the open
    // (it is refused as a changed file).
    int fd = int(sys::open(path, sys::kO_RDONLY | sys::kO_CLOEXEC | sys::kO_NONBLOCK));
    if (fd < 0) die_errno(path, fd);
    sys::KernelStat st;
    check(sys::fstat(fd, &st), path);
    if (!is_recorded_file(f, st)) die(path, "file changed since the snapshot was recorded");
    g_file_fds[i] = fd;
  }
}

// Closes NAME.pages and what open_files() opened, once mapped. They were
// opened one after the other, so their fds are mostly consecutive: one
// close_range (Linux 5.9) for each run of them instead of one close each
// (37 for numpy; an fd restore inherited can sit between them).
void close_files() {
  uint32_t count = g.view.count(kFiles) + 1;
  auto fd_at = [](uint32_t i) { return i == 0 ? g.pages_fd : g_file_fds[i - 1]; };
  for (uint32_t first = 0; first < count;) {
    uint32_t last = first;
    while (last + 1 < count && fd_at(last + 1) == fd_at(last) + 1) ++last;
    if (sys::is_error(sys::close_range(unsigned(fd_at(first)), unsigned(fd_at(last)), 0))) {
      for (uint32_t i = first; i <= last; ++i) sys::close(fd_at(i));
    }
    first = last + 1;
  }
}

// Once everything is mapped: a file written in place since open_files()
// (same inode, new size, mtime or ctime) is refused now, before the program
// runs.
// What is written after this is seen as by any process sharing the file.
void recheck_files() {
  for (uint32_t i = 0; i < g.view.count(kFiles); ++i) {
    const FileRecord& f = g.view.file(i);
    sys::KernelStat st;
    check(sys::fstat(g_file_fds[i], &st), g.view.string(f.path));
    if (!is_recorded_file(f, st)) die(g.view.string(f.path), "file changed while restore was mapping it");
  }
}

// --verify: hash every page run and every backing file (reads everything;
// the default check above is cheap).
namespace {

// --verify: bytes [from, to) of NAME.pages (page-aligned) must read as
// zero. They lie in a stored mapping between its page runs, so restore maps
// them and no checksum covers them. Only the file's data extents are read
// (common/pages_extents.h, whole pages): a hole is zero by definition.
void check_zero_in_pages(uint64_t from, uint64_t to) {
  constexpr uint64_t kChunk = 64 << 20;
  for_each_pages_extent(g.pages_fd, from, to, [](const PagesExtent& e) {
    if (!e.data) return true;
    uint64_t end = e.offset + e.size;
    for (uint64_t chunk = e.offset; chunk < end; chunk += kChunk) {
      uint64_t size = end - chunk < kChunk ? end - chunk : kChunk;
      check(sys::mmap(kVerifyBuffer, size, sys::kProtRead, sys::kMapPrivate | sys::kMapFixed, g.pages_fd, long(chunk)),
            g_pages_path);
      const uint64_t* words = reinterpret_cast<const uint64_t*>(kVerifyBuffer);
      for (uint64_t w = 0; w < size / 8; ++w) {
        if (words[w]) {
          uint64_t offset = chunk + w * 8;
          die(g_pages_path, "data outside every stored page run, unstored pages must be zero, at offset", &offset);
        }
      }
      sys::munmap(kVerifyBuffer, size);
    }
    return true;
  });
}

}  // namespace

void verify_contents() {
  // Zero pages of stored mappings: what lies between their page runs.
  for (uint32_t i = 0; i < g.process->mapping_count; ++i) {
    const MappingRecord& m = g.view.mapping(g.process->first_mapping + i);
    if (m.base != kBasePages) continue;
    uint64_t address = m.start;
    for (uint32_t r = 0; r <= m.run_count; ++r) {
      uint64_t next = r < m.run_count ? g.view.run(m.first_run + r).start : m.end;
      if (next > address) check_zero_in_pages(m.pages_offset + (address - m.start), m.pages_offset + (next - m.start));
      if (r < m.run_count) address = next + g.view.run(m.first_run + r).size;
    }
  }
  for (uint32_t i = 0; i < g.view.count(kPageRuns); ++i) {
    const PageRunRecord& r = g.view.run(i);
    long p = sys::mmap(kVerifyBuffer, r.size, sys::kProtRead, sys::kMapPrivate | sys::kMapFixed, g.pages_fd, r.pages_offset);
    check(p, g_pages_path);
    if (checksum64(reinterpret_cast<const void*>(kVerifyBuffer), r.size) != r.checksum) {
      die(g_pages_path, "page data checksum mismatch at", &r.start);
    }
    sys::munmap(kVerifyBuffer, r.size);
  }
  for (uint32_t i = 0; i < g.view.count(kFiles); ++i) {
    const FileRecord& f = g.view.file(i);
    if (!(f.flags & kFileContentHashed)) continue;
    uint64_t hash = checksum64(nullptr, 0);
    if (f.size) {
      check(sys::mmap(kVerifyBuffer, round_up(f.size), sys::kProtRead, sys::kMapPrivate | sys::kMapFixed,
                      g_file_fds[i], 0), g.view.string(f.path));
      hash = checksum64(reinterpret_cast<const void*>(kVerifyBuffer), f.size);
      sys::munmap(kVerifyBuffer, round_up(f.size));
    }
    if (hash != f.content_hash) die(g.view.string(f.path), "file content changed since the snapshot was recorded");
  }
}

// /proc/PID/cmdline and environ read the argument area with FOLL_ANON
// (fs/proc/base.c, get_mm_cmdline), which refuses file-backed memory: the
// mapping that holds argv and envp (the stack) must be anonymous.
bool holds_arguments(const MappingRecord& m) {
  const MmLayout& mm = g.process->mm;
  return (m.start < mm.arg_end && m.end > mm.arg_start) || (m.start < mm.env_end && m.end > mm.env_start);
}

namespace {

bool on_noexec_mount(int fd) {
  sys::KernelStatfs fs;
  return !sys::is_error(sys::fstatfs(fd, &fs)) && (fs.f_flags & sys::kStNoexec);
}

}  // namespace

// mmap refuses PROT_EXEC from a file on a noexec mount (EPERM, in
// mm/mmap.c), and restore would meet that only when past undoing: every
// file that executable memory is mapped from (a backing file, or NAME.pages
// for the stored pages of an executable mapping) must be on a mount that
// allows it.
void check_exec_mounts() {
  for (uint32_t i = 0; i < g.process->mapping_count; ++i) {
    const MappingRecord& m = g.view.mapping(g.process->first_mapping + i);
    if (!(m.prot & sys::kProtExec)) continue;
    if (m.base == kBaseFile && on_noexec_mount(g_file_fds[m.file_index])) {
      die(g.view.string(g.view.file(m.file_index).path), "on a noexec mount (its code cannot be mapped executable from there)");
    }
    bool has_stored = m.base == kBasePages || ((m.base == kBaseFile || m.base == kBaseZero) && m.run_count);
    bool from_pages = has_stored && !copies_stored_pages(m);
    if (from_pages && on_noexec_mount(g.pages_fd)) {
      die(g_pages_path, "on a noexec mount (the snapshot's executable pages cannot be mapped from there)");
    }
  }
}

const MappingRecord* find_mapping(uint32_t base) {
  for (uint32_t i = 0; i < g.process->mapping_count; ++i) {
    const MappingRecord& m = g.view.mapping(g.process->first_mapping + i);
    if (m.base == base) return &m;
  }
  return nullptr;
}

bool writable_at(uint64_t address, uint64_t size) {
  for (uint32_t i = 0; i < g.process->mapping_count; ++i) {
    const MappingRecord& m = g.view.mapping(g.process->first_mapping + i);
    if (address >= m.start && address + size <= m.end) return (m.prot & sys::kProtWrite) && m.base <= kBasePages;
  }
  return false;
}

// The snapshot's vDSO must be this kernel's, byte for byte: the program may
// hold pointers into it and its data layout must match the vvar pages.
void check_vdso(uint64_t* auxv) {
  for (; auxv[0]; auxv += 2) {
    if (auxv[0] == kAtSysinfoEhdr) g.current_vdso = auxv[1];
  }
  const MappingRecord* vdso = find_mapping(kBaseVdso);
  if (g.process->flags & kProcessNoVdso) return;
  if (!vdso) die(g_info_path, "snapshot has no vDSO mapping");
  if (!g.current_vdso) die("vDSO", "the kernel gave restore no vDSO");
  g.recorded_vdso = vdso->start;
  // The vDSO is an ELF image; its PT_LOAD span is the mapping's size.
  const uint8_t* ehdr = reinterpret_cast<const uint8_t*>(g.current_vdso);
  uint64_t phoff = *reinterpret_cast<const uint64_t*>(ehdr + 32);
  uint16_t phnum = *reinterpret_cast<const uint16_t*>(ehdr + 56);
  uint64_t span = 0;
  for (uint16_t i = 0; i < phnum; ++i) {
    const uint8_t* ph = ehdr + phoff + 56u * i;
    if (*reinterpret_cast<const uint32_t*>(ph) == 1) {  // PT_LOAD
      uint64_t end = *reinterpret_cast<const uint64_t*>(ph + 16) + *reinterpret_cast<const uint64_t*>(ph + 40);
      if (end > span) span = end;
    }
  }
  if (round_up(span) != vdso->end - vdso->start ||
      checksum64(ehdr, vdso->end - vdso->start) != vdso->checksum) {
    die("vDSO", "this kernel's vDSO differs from the recording kernel's (record with --no-vdso to restore anywhere)");
  }
}

void check_program_writes() {
  for (uint32_t i = 0; i < g.process->thread_count; ++i) {
    const ThreadRecord& t = g.view.thread(g.process->first_thread + i);
    if (t.tid_address && !writable_at(t.tid_address, 4)) die(g_info_path, "tid address outside writable memory", &t.tid_address);
  }
}

namespace {

// Each interest-list entry of an epoll record names a number the kernel
// can take (restore may place a description there for the call) and a
// holder among the process's fds: register_epoll dup3s from it.
void check_epoll_registrations(const FdRecord& r, uint64_t limit) {
  const uint8_t* list = g.view.blob(epoll_registrations(r));
  for (uint32_t i = 0; i < epoll_registration_count(r); ++i) {
    EpollRegistration e = epoll_registration(list, i);
    bool held = false;
    for (uint32_t j = 0; j < g.process->fd_count && !held; ++j) {
      const FdRecord& other = g.view.fd(g.process->first_fd + j);
      held = other.kind != kFdCallerStatus && other.fd == e.holder;
    }
    if (e.fd < 0 || uint64_t(uint32_t(e.fd)) >= limit || !held) {
      Text why;
      die_fd(uint32_t(r.fd), why.add("epoll entry for fd ").number(uint32_t(e.fd)).add(" outside the fd table").c_str());
    }
  }
}

}  // namespace

// A cold run could not hold an fd at or above its RLIMIT_NOFILE, and
// dup3 onto one fails (EBADF) only once restore is past undoing: refused
// here, by number. A program that set the limit itself could have raised it
// to the caller's hard limit.
void check_fd_limit() {
  sys::Rlimit nofile;
  check(sys::prlimit(kRlimitNofile, nullptr, &nofile), "RLIMIT_NOFILE");
  bool own = g.process->rlimits_set & (1u << kRlimitNofile);
  uint64_t limit = own ? nofile.max : nofile.cur;
  for (uint32_t i = 0; i < g.process->fd_count; ++i) {
    const FdRecord& r = g.view.fd(g.process->first_fd + i);
    if (uint64_t(uint32_t(r.fd)) < limit) continue;
    Text why;
    die_fd(uint32_t(r.fd), why.add(own ? "above the caller's hard RLIMIT_NOFILE (" : "above the caller's RLIMIT_NOFILE (")
                     .number(limit).add(")").c_str());
  }
  for (uint32_t i = 0; i < g.process->fd_count; ++i) {
    const FdRecord& r = g.view.fd(g.process->first_fd + i);
    if (r.kind == kFdEpoll) check_epoll_registrations(r, limit);
  }
}

// The recorded cwd must still be a directory restore may enter (chdir
// needs search permission): `restore: cwd PATH: <why>`.
void check_cwd() {
  constexpr int kO_Directory = 0200000, kO_Path = 010000000, kXOk = 1;
  const char* cwd = g.view.string(g.process->cwd);
  Text what;
  what.add("cwd ").add(cwd);
  long fd = sys::open(cwd, kO_Path | kO_Directory | sys::kO_CLOEXEC);
  if (sys::is_error(fd)) die_errno(what.c_str(), fd);
  sys::close(int(fd));
  if (long e = sys::faccessat(sys::kAtFdcwd, cwd, kXOk); sys::is_error(e)) die_errno(what.c_str(), e);
}

}  // namespace snappy::restorer
