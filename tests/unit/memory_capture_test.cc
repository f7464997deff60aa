// capture_memory against a real child: the child builds known mappings inside
// a PROT_NONE reservation (guard pages keep the kernel from merging them with
// each other or with anything else), the parent seizes it with ptrace and
// captures them.
#include "ptracer/memory_capture.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "common/checksum.h"

namespace snappy {
namespace {

constexpr uint64_t kPage = format::kPageSize;

// Page slots inside the child's reservation.
constexpr uint64_t kAnon = 1, kAnonPages = 16;      // private anonymous
constexpr uint64_t kFileRw = 19, kFileRwPages = 4;  // private file F at offset 1 page
constexpr uint64_t kFileRo = 25;                    // private read-only file G, 2 pages
constexpr uint64_t kFileShRo = 29;                  // shared read-only G, 2 pages
constexpr uint64_t kShAnon = 33;                    // shared anonymous, 2 pages
constexpr uint64_t kFileShRw = 36;                  // shared writable G, 2 pages
constexpr uint64_t kReservePages = 40;

// Deterministic non-zero page contents.
void fill(uint8_t* page, int seed) {
  for (uint64_t i = 0; i < kPage; ++i) page[i] = static_cast<uint8_t>((seed * 131 + i * 7) | 1);
}
std::vector<uint8_t> pattern(int seed) {
  std::vector<uint8_t> v(kPage);
  fill(v.data(), seed);
  return v;
}

class MemoryCaptureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/memory_capture_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    file_f_ = write_file("F", 5, 100);
    file_g_ = write_file("G", 2, 200);
    start_child();
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, __WALL);
    }
    std::filesystem::remove_all(dir_);
  }

  std::string write_file(const char* name, int pages, int seed) {
    std::string path = dir_ + "/" + name;
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
    EXPECT_GE(fd, 0);
    for (int i = 0; i < pages; ++i) {
      auto p = pattern(seed + i);
      EXPECT_EQ(::write(fd, p.data(), kPage), static_cast<ssize_t>(kPage));
    }
    ::close(fd);
    return path;
  }

  // Runs in the child: only raw syscalls and memory writes, then waits.
  [[noreturn]] void child_main(int out) {
    auto* r = static_cast<uint8_t*>(
        mmap(nullptr, kReservePages * kPage, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    auto at = [r](uint64_t slot) { return r + slot * kPage; };
    bool ok = r != MAP_FAILED;
    ok = ok && mmap(at(kAnon), kAnonPages * kPage, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED;
    int f = ::open(file_f_.c_str(), O_RDONLY);
    int g = ::open(file_g_.c_str(), O_RDWR);
    ok = ok && f >= 0 && g >= 0;
    ok = ok && mmap(at(kFileRw), kFileRwPages * kPage, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_FIXED, f, kPage) != MAP_FAILED;
    ok = ok && mmap(at(kFileRo), 2 * kPage, PROT_READ, MAP_PRIVATE | MAP_FIXED, g, 0) != MAP_FAILED;
    ok = ok && mmap(at(kFileShRo), 2 * kPage, PROT_READ, MAP_SHARED | MAP_FIXED, g, 0) != MAP_FAILED;
    ok = ok && mmap(at(kShAnon), 2 * kPage, PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED;
    ok = ok && mmap(at(kFileShRw), 2 * kPage, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, g,
                    0) != MAP_FAILED;
    if (ok) {
      uint8_t* a = at(kAnon);
      fill(a + 1 * kPage, 1);
      fill(a + 2 * kPage, 2);
      fill(a + 3 * kPage, 3);
      std::memset(a + 3 * kPage, 0, kPage);  // present, but zero again
      (void)*reinterpret_cast<volatile uint8_t*>(a + 5 * kPage);  // read: maps the zero page
      fill(a + 8 * kPage, 8);
      fill(a + 9 * kPage, 9);
      fill(a + 15 * kPage, 15);
      uint8_t* w = at(kFileRw);
      (void)*reinterpret_cast<volatile uint8_t*>(w);  // clean file page
      fill(w + 1 * kPage, 51);                         // written: a COW copy
      std::memset(w + 3 * kPage, 0, kPage);            // written with zeros
      (void)*reinterpret_cast<volatile uint8_t*>(at(kFileRo));
      (void)*reinterpret_cast<volatile uint8_t*>(at(kFileShRo));
      at(kShAnon)[0] = 1;
    }
    uint64_t msg = ok ? reinterpret_cast<uint64_t>(r) : 0;
    if (::write(out, &msg, sizeof msg) != sizeof msg) _exit(1);
    for (;;) pause();
  }

  void start_child() {
    int p[2];
    ASSERT_EQ(pipe(p), 0);
    pid_ = fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      ::close(p[0]);
      child_main(p[1]);
    }
    ::close(p[1]);
    uint64_t msg = 0;
    ASSERT_EQ(::read(p[0], &msg, sizeof msg), static_cast<ssize_t>(sizeof msg));
    ::close(p[0]);
    ASSERT_NE(msg, 0u) << "child could not set up its mappings";
    base_ = msg;
    // Stop it as its tracer: the memory holds still, and /proc/PID/mem is
    // readable even under Yama ptrace_scope 1.
    ASSERT_EQ(ptrace(PTRACE_SEIZE, pid_, 0, 0), 0) << strerror(errno);
    ASSERT_EQ(ptrace(PTRACE_INTERRUPT, pid_, 0, 0), 0) << strerror(errno);
    int status = 0;
    ASSERT_EQ(waitpid(pid_, &status, __WALL), pid_);
    ASSERT_TRUE(WIFSTOPPED(status));
    maps_ = read_proc_maps(pid_);
  }

  uint64_t slot(uint64_t s) const { return base_ + s * kPage; }
  // The child's maps entries starting at the given slots, in address order.
  std::vector<ProcMapsEntry> entries_at(std::vector<uint64_t> slots) const {
    std::vector<ProcMapsEntry> out;
    for (const auto& e : maps_)
      for (uint64_t s : slots)
        if (e.start == slot(s)) out.push_back(e);
    EXPECT_EQ(out.size(), slots.size());
    return out;
  }
  const ProcMapsEntry* find(std::string_view name) const {
    for (const auto& e : maps_)
      if (e.path == name) return &e;
    return nullptr;
  }

  std::string dir_, file_f_, file_g_;
  pid_t pid_ = -1;
  uint64_t base_ = 0;
  std::vector<ProcMapsEntry> maps_;
};

std::vector<uint8_t> read_at(int fd, uint64_t offset, uint64_t size) {
  std::vector<uint8_t> v(size);
  EXPECT_EQ(::pread(fd, v.data(), size, static_cast<off_t>(offset)), static_cast<ssize_t>(size));
  return v;
}

// The data extents of a file, from SEEK_DATA/SEEK_HOLE (lseek(2)).
std::vector<std::pair<uint64_t, uint64_t>> data_extents(int fd) {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  off_t end = lseek(fd, 0, SEEK_END), pos = 0;
  while (pos < end) {
    off_t data = lseek(fd, pos, SEEK_DATA);
    if (data < 0) break;  // ENXIO: only a hole remains
    off_t hole = lseek(fd, data, SEEK_HOLE);
    out.emplace_back(data, hole);
    pos = hole;
  }
  return out;
}

TEST_F(MemoryCaptureTest, CapturesAnonymousAndFileMappings) {
  std::vector<ProcMapsEntry> entries = entries_at({kAnon, kFileRw, kFileRo, kFileShRo});
  const ProcMapsEntry* vdso = find("[vdso]");
  ASSERT_NE(vdso, nullptr);
  for (const auto& e : maps_)
    if (e.path.rfind("[vvar", 0) == 0) entries.push_back(e);
  entries.push_back(*vdso);
  std::sort(entries.begin(), entries.end(),
            [](const ProcMapsEntry& a, const ProcMapsEntry& b) { return a.start < b.start; });

  Snapshot snapshot;
  FileTable files(snapshot);
  format::ProcessRecord process{};
  std::string pages_path = dir_ + "/snap.pages";
  AtomicFile pages(pages_path);
  snapshot.mappings.resize(1);  // another process's mapping: indices must follow it
  MemoryCaptureStats stats = capture_memory(pid_, entries, process, snapshot, files, pages, read_vmflags(pid_));
  pages.sync();
  pages.rename_into_place();

  EXPECT_EQ(process.first_mapping, 1u);
  EXPECT_EQ(process.mapping_count, entries.size());
  EXPECT_EQ(stats.mappings, entries.size());
  EXPECT_EQ(stats.zero_pages_skipped, 2u);  // anon pages 3 (zeroed) and 5 (read only)
  EXPECT_EQ(stats.pages_size, (kAnonPages + 2) * kPage);
  EXPECT_EQ(stats.bytes_stored, 7 * kPage);  // anon 1,2,8,9,15 + file 1,3

  auto rec_at = [&](uint64_t start) -> const format::MappingRecord& {
    for (uint32_t i = process.first_mapping; i < snapshot.mappings.size(); ++i)
      if (snapshot.mappings[i].start == start) return snapshot.mappings[i];
    ADD_FAILURE() << "no mapping at " << start;
    return snapshot.mappings[0];
  };

  int fd = ::open(pages_path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  struct stat st;
  ASSERT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(static_cast<uint64_t>(st.st_size), stats.pages_size);

  // Anonymous: kBasePages at offset 0, runs exactly over the non-zero pages.
  const auto& anon = rec_at(slot(kAnon));
  EXPECT_EQ(anon.base, format::kBasePages);
  EXPECT_EQ(anon.end - anon.start, kAnonPages * kPage);
  EXPECT_EQ(anon.prot, uint32_t(PROT_READ | PROT_WRITE));
  EXPECT_EQ(anon.flags, 0u);
  EXPECT_EQ(anon.pages_offset, 0u);
  ASSERT_EQ(anon.run_count, 3u);
  std::vector<std::vector<int>> anon_runs = {{1, 2}, {8, 9}, {15}};
  for (uint32_t k = 0; k < 3; ++k) {
    const auto& run = snapshot.runs[anon.first_run + k];
    const auto& seeds = anon_runs[k];
    EXPECT_EQ(run.start, anon.start + seeds[0] * kPage);
    EXPECT_EQ(run.size, seeds.size() * kPage);
    EXPECT_EQ(run.pages_offset, anon.pages_offset + (run.start - anon.start));
    std::vector<uint8_t> want;
    for (int s : seeds) {
      auto p = pattern(s);
      want.insert(want.end(), p.begin(), p.end());
    }
    auto got = read_at(fd, run.pages_offset, run.size);
    EXPECT_EQ(got, want) << "anon run " << k;
    EXPECT_EQ(run.checksum, checksum64(want.data(), want.size()));
  }

  // Private file mapping: base is F at offset 1 page; written pages 1 and 3
  // (the zeroed one too) are runs appended after the anonymous region.
  const auto& rw = rec_at(slot(kFileRw));
  EXPECT_EQ(rw.base, format::kBaseFile);
  EXPECT_EQ(rw.flags, 0u);
  EXPECT_EQ(rw.file_offset, kPage);
  struct stat fst;
  ASSERT_EQ(::stat(file_f_.c_str(), &fst), 0);
  ASSERT_LT(rw.file_index, snapshot.files.size());
  EXPECT_EQ(snapshot.files[rw.file_index].ino, fst.st_ino);
  EXPECT_EQ(snapshot.files[rw.file_index].size, 5 * kPage);
  ASSERT_EQ(rw.run_count, 2u);
  const auto& r1 = snapshot.runs[rw.first_run];
  const auto& r3 = snapshot.runs[rw.first_run + 1];
  EXPECT_EQ(r1.start, rw.start + kPage);
  EXPECT_EQ(r3.start, rw.start + 3 * kPage);
  EXPECT_EQ(r1.size, kPage);
  EXPECT_EQ(r3.size, kPage);
  EXPECT_EQ(r1.pages_offset, kAnonPages * kPage);
  EXPECT_EQ(r3.pages_offset, (kAnonPages + 1) * kPage);
  auto p51 = pattern(51);
  std::vector<uint8_t> zero(kPage, 0);
  EXPECT_EQ(read_at(fd, r1.pages_offset, kPage), p51);
  EXPECT_EQ(read_at(fd, r3.pages_offset, kPage), zero);
  EXPECT_EQ(r1.checksum, checksum64(p51.data(), kPage));
  EXPECT_EQ(r3.checksum, checksum64(zero.data(), kPage));

  // Read-only file mappings: the file alone; G is interned once.
  const auto& ro = rec_at(slot(kFileRo));
  const auto& shro = rec_at(slot(kFileShRo));
  EXPECT_EQ(ro.base, format::kBaseFile);
  EXPECT_EQ(ro.flags, 0u);
  EXPECT_EQ(ro.prot, uint32_t(PROT_READ));
  EXPECT_EQ(ro.run_count, 0u);
  EXPECT_EQ(shro.base, format::kBaseFile);
  EXPECT_EQ(shro.flags, format::kMappingShared);
  EXPECT_EQ(shro.run_count, 0u);
  EXPECT_EQ(ro.file_index, shro.file_index);
  EXPECT_NE(ro.file_index, rw.file_index);
  EXPECT_EQ(snapshot.files.size(), 2u);
  std::string name(reinterpret_cast<const char*>(snapshot.blob.data() + ro.name.offset));
  EXPECT_EQ(name, file_g_);

  // Kernel pages: the vDSO is hashed (the child's is the parent's, inherited
  // over fork), vvar is only named.
  const auto& vd = rec_at(vdso->start);
  EXPECT_EQ(vd.base, format::kBaseVdso);
  EXPECT_EQ(vd.checksum, checksum64(reinterpret_cast<const void*>(vdso->start), vdso->end - vdso->start));
  EXPECT_EQ(vd.run_count, 0u);
  for (const auto& e : entries) {
    if (e.path.rfind("[vvar", 0) == 0) {
      EXPECT_EQ(rec_at(e.start).base, format::kBaseVvar);
    }
  }

  // Holes everywhere but the runs (adjacent runs merge into one extent).
  std::vector<std::pair<uint64_t, uint64_t>> want;
  for (const auto& run : snapshot.runs) {
    if (run.size == 0) continue;
    if (!want.empty() && want.back().second == run.pages_offset)
      want.back().second += run.size;
    else
      want.emplace_back(run.pages_offset, run.pages_offset + run.size);
  }
  std::sort(want.begin(), want.end());
  EXPECT_EQ(data_extents(fd), want);
  EXPECT_LE(static_cast<uint64_t>(st.st_blocks) * 512, stats.bytes_stored + 4 * kPage);
  ::close(fd);
}

TEST_F(MemoryCaptureTest, SecondCaptureAppendsAfterExistingPages) {
  Snapshot snapshot;
  FileTable files(snapshot);
  format::ProcessRecord p1{}, p2{};
  AtomicFile pages(dir_ + "/two.pages");
  auto anon = entries_at({kAnon});
  MemoryCaptureStats s1 = capture_memory(pid_, anon, p1, snapshot, files, pages, read_vmflags(pid_));
  MemoryCaptureStats s2 = capture_memory(pid_, anon, p2, snapshot, files, pages, read_vmflags(pid_));
  EXPECT_EQ(p2.first_mapping, 1u);
  EXPECT_EQ(snapshot.mappings[1].pages_offset, s1.pages_size);
  EXPECT_EQ(s2.pages_size, 2 * s1.pages_size);
}

TEST_F(MemoryCaptureTest, RefusesWhatCannotBeRestored) {
  Snapshot snapshot;
  FileTable files(snapshot);
  format::ProcessRecord process{};
  AtomicFile pages(dir_ + "/bad.pages");
  auto refuse = [&](std::vector<ProcMapsEntry> entries, const char* why) {
    try {
      capture_memory(pid_, entries, process, snapshot, files, pages, read_vmflags(pid_));
      ADD_FAILURE() << "no CaptureError for " << why;
    } catch (const CaptureError& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  };
  refuse(entries_at({kShAnon}), "shared anonymous");
  refuse(entries_at({kFileShRw}), "shared writable file mapping");

  ProcMapsEntry fake = entries_at({kFileRo})[0];
  std::string file = fake.path;
  fake.path += " (deleted)";
  fake.deleted = true;  // as read_proc_maps finds it: no file of that name
  refuse({fake}, (file + ": mapped file was deleted and another file now has its name").c_str());
  fake.path = dir_ + "/gone (deleted)";
  refuse({fake}, (dir_ + "/gone: mapped file was deleted; it cannot be reopened at restore").c_str());
  fake.path = "[uprobes]";
  fake.inode = 0;
  refuse({fake}, "unknown special");
  fake = entries_at({kFileRo})[0];
  fake.inode += 1;  // the file at the path is no longer the mapped one
  refuse({fake}, "inode differs");
  fake = entries_at({kFileRo})[0];
  fake.path = "/dev/null";
  refuse({fake}, "not a regular file");
}

}  // namespace
}  // namespace snappy
