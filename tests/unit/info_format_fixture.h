// Shared by the info_format_*_test.cc files: a realistic snapshot
// (make_snapshot(): every record kind, two processes' worth of ranges) and
// the helpers that serialize it, break it and check that InfoView::open()
// refuses it with a given message. Buffers handed to open() are exact-size
// heap copies so that AddressSanitizer sees any read past the end.
#ifndef SNAPPY_TESTS_UNIT_INFO_FORMAT_FIXTURE_H_
#define SNAPPY_TESTS_UNIT_INFO_FORMAT_FIXTURE_H_

#include <sys/mman.h>

#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "common/checksum.h"
#include "common/info_reader.h"
#include "common/snapshot_format.h"
#include "common/snapshot_writer.h"

namespace snappy {
namespace info_fixture {


using namespace format;

constexpr uint64_t kPagesSize = 0x27000;
constexpr size_t kXsaveBytes = 1088;

// Indices into the realistic snapshot built by make_snapshot().
enum : uint32_t {
  kExeText, kExeData, kBss, kHeap, kLibcText, kAnon, kVvar, kVvarClock, kVdso, kStack, kMappingCount
};
enum : uint32_t { kRunExeData, kRunBss, kRunHeapLow, kRunHeapHigh, kRunStack, kRunCount };
enum : uint32_t { kFileExe, kFileLibc, kFileConf, kFileDir };

const char kArgv[] = "/usr/bin/prog\0--config\0/etc/prog.conf\0two words";  // + implicit NUL
const char kEnvp[] = "HOME=/home/user\0PATH=/usr/bin:/bin\0LANG=C.UTF-8";
const uint64_t kAuxv[] = {3, 0x400040, 6, 4096, 9, 0x401000, 25, 0x7fffffffe7a0,
                          33, 0x7ffff7fc4000, 0, 0};
const uint8_t kBinaryOutput[] = {0, 1, 2, 0x7f, 0x80, 0xff, 0};

inline uint32_t add_mapping(Snapshot& s, uint64_t start, uint64_t end, uint32_t prot, MappingBase base,
                     std::string_view name) {
  MappingRecord m{};
  m.start = start;
  m.end = end;
  m.prot = prot;
  m.base = base;
  m.first_run = static_cast<uint32_t>(s.runs.size());
  if (!name.empty()) m.name = s.add_string(name);
  s.mappings.push_back(m);
  return static_cast<uint32_t>(s.mappings.size() - 1);
}

// A run of the mapping added last.
inline void add_run(Snapshot& s, uint64_t start, uint64_t size, uint64_t pages_offset) {
  s.runs.push_back({start, size, pages_offset, 0x5eed0000 + s.runs.size()});
  s.mappings.back().run_count++;
}

inline uint32_t add_file(Snapshot& s, std::string_view path, uint64_t ino, uint64_t size, uint32_t mode,
                  uint32_t flags) {
  FileRecord f{};
  f.path = s.add_string(path);
  f.dev = 0x803;
  f.ino = ino;
  f.size = size;
  f.mtime_ns = 1690000000000000000ull + ino;
  f.ctime_ns = 1690000000500000000ull + ino;
  f.content_hash = flags & kFileContentHashed ? 0xc0ffee00 + ino : 0;
  f.mode = mode;
  f.flags = flags;
  s.files.push_back(f);
  return static_cast<uint32_t>(s.files.size() - 1);
}

inline void add_fd(Snapshot& s, int32_t fd, uint32_t open_flags, uint32_t fd_flags, uint32_t file_index,
            uint64_t offset, uint32_t description) {
  FdRecord r{};
  r.fd = fd;
  r.open_flags = open_flags;
  r.fd_flags = fd_flags;
  r.file_index = file_index;
  r.offset = offset;
  r.description = description;
  s.fds.push_back(r);
}

inline std::vector<uint8_t> xsave_pattern() {
  std::vector<uint8_t> x(kXsaveBytes);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<uint8_t>(i * 7 + 3);
  return x;
}

// One process as ptracer records it: a non-PIE program with libc, a heap of
// mmap'd pages, vvar/vdso, a stack; fds, handlers and replayed output.
inline Snapshot make_snapshot() {
  Snapshot s;
  s.created_unix_ns = 1700000000123456789ull;
  s.xcr0 = 0x7;
  s.xsave_size = kXsaveBytes;

  ProcessRecord p{};
  p.pid = 4242;
  p.exe = s.add_string("/usr/bin/prog");
  p.cwd = s.add_string("/home/user");
  p.kernel_release = s.add_string("6.18.0-snappy");
  p.argv = s.add_blob(kArgv, sizeof(kArgv));
  p.envp = s.add_blob(kEnvp, sizeof(kEnvp));
  p.auxv = s.add_blob(kAuxv, sizeof(kAuxv));

  add_file(s, "/usr/bin/prog", 11, 0x3000, 0100755, kFileContentHashed);
  add_file(s, "/usr/lib/x86_64-linux-gnu/libc.so.6", 12, 0x200000, 0100755, kFileContentHashed);
  add_file(s, "/etc/prog.conf", 13, 77, 0100644, kFileContentHashed);
  add_file(s, "/var/lib/prog", 14, 4096, 040755, 0);

  const uint32_t rx = PROT_READ | PROT_EXEC, rw = PROT_READ | PROT_WRITE;
  add_mapping(s, 0x400000, 0x401000, rx, kBaseFile, "/usr/bin/prog");
  s.mappings.back().file_index = kFileExe;
  add_mapping(s, 0x401000, 0x403000, rw, kBaseFile, "/usr/bin/prog");
  s.mappings.back().file_index = kFileExe;
  s.mappings.back().file_offset = 0x1000;
  add_run(s, 0x402000, 0x1000, 0x0);
  add_mapping(s, 0x403000, 0x405000, rw, kBaseZero, "");
  add_run(s, 0x403000, 0x1000, 0x1000);
  add_mapping(s, 0x10000000, 0x10004000, rw, kBasePages, "");
  s.mappings.back().pages_offset = 0x2000;
  add_run(s, 0x10000000, 0x1000, 0x2000);
  add_run(s, 0x10002000, 0x2000, 0x4000);
  add_mapping(s, 0x7f0000000000, 0x7f0000002000, rx, kBaseFile, "/usr/lib/x86_64-linux-gnu/libc.so.6");
  s.mappings.back().file_index = kFileLibc;
  add_mapping(s, 0x7f0000010000, 0x7f0000020000, PROT_NONE, kBaseZero, "");
  add_mapping(s, 0x7ffff7fc0000, 0x7ffff7fc2000, PROT_READ, kBaseVvar, "[vvar]");
  add_mapping(s, 0x7ffff7fc2000, 0x7ffff7fc4000, PROT_READ, kBaseVvar, "[vvar_vclock]");
  add_mapping(s, 0x7ffff7fc4000, 0x7ffff7fc6000, rx, kBaseVdso, "[vdso]");
  s.mappings.back().checksum = 0xfeedface12345678;
  // The stack ends exactly at kUserAddressEnd and its pages at kPagesSize.
  add_mapping(s, 0x7ffffffde000, kUserAddressEnd, rw, kBasePages, "[stack]");
  s.mappings.back().flags = kMappingGrowsDown;
  s.mappings.back().pages_offset = 0x6000;
  add_run(s, 0x7fffffffe000, 0x1000, 0x26000);

  ThreadRecord t{};
  t.tid = 4242;
  for (uint32_t r = 0; r < kRegCount; ++r) t.regs[r] = 0x1111111100000000ull + r;
  t.regs[kRax] = t.regs[kOrigRax] = 39;  // getpid
  t.regs[kRip] = 0x7f0000001234;
  t.regs[kRsp] = 0x7fffffffe5c0;
  t.regs[kCs] = 0x33;
  t.regs[kSs] = 0x2b;
  t.regs[kEflags] = 0x246;
  t.regs[kFsBase] = 0x7f0000010740;
  std::vector<uint8_t> xsave = xsave_pattern();
  t.xsave = s.add_blob(xsave.data(), xsave.size());
  t.sigmask = 1ull << 12;
  t.tid_address = 0x7f0000010a10;
  t.robust_list = 0x7f0000010a20;
  t.robust_list_len = 24;
  t.rseq_addr = 0x7f0000010fe0;
  t.rseq_len = 32;
  t.rseq_sig = 0x53053053;
  t.altstack_flags = 2;  // SS_DISABLE
  s.threads.push_back(t);

  add_fd(s, 3, 0, 1, kFileConf, 17, 1);           // O_RDONLY, FD_CLOEXEC
  add_fd(s, 4, 0x10000, 0, kFileDir, 0, 2);       // O_DIRECTORY
  add_fd(s, 7, 0, 0, kFileLibc, 0x1000, 3);
  add_fd(s, 8, 0, 0, kFileConf, 17, 1);           // dup(3)
  s.sigactions.push_back({2, 0, 0x401100, 0x04000000, 0x7f0000000100, 0});
  s.sigactions.push_back({11, 0, 0x401200, 0x0c000004, 0x7f0000000100, 1ull << 1});
  s.sigactions.push_back({64, 0, 1, 0, 0, 0});  // SIG_IGN for the last RT signal

  OutputRecord o{};
  o.fd = 1;
  o.data = s.add_string("hello, world\n");
  o.data.size -= 1;  // output is bytes, not a string
  s.outputs.push_back(o);
  o.fd = 2;
  o.data = s.add_blob("warning: no cache\n", 18);
  s.outputs.push_back(o);
  o.fd = 1;
  o.data = s.add_blob(kBinaryOutput, sizeof(kBinaryOutput));
  s.outputs.push_back(o);

  p.first_thread = 0;
  p.thread_count = 1;
  p.mapping_count = kMappingCount;
  p.fd_count = 4;
  p.sigaction_count = 3;
  p.output_count = 3;
  p.mm = {0x400000, 0x401000, 0x401000, 0x403000, 0x405000, 0x405000, 0x7fffffffe5c0,
          0x7fffffffe600, 0x7fffffffe640, 0x7fffffffe640, 0x7fffffffe6a0};
  p.umask = 022;
  std::memcpy(p.comm, "prog", 4);
  p.trigger.nr = 39;
  p.trigger.args[0] = 0xdead;
  p.trigger.kind = kTriggerSyscall;
  // Two POSIX timers: one armed interval timer signalling the process,
  // one disarmed SIGEV_NONE timer; ids 1 and 3 (0 and 2 were deleted).
  s.timers.push_back({1, kClockMonotonic, kSigevSignal, 26, 0x7f0000020000, 0, 0, 250000000, 10000000});
  s.timers.push_back({3, kClockProcessCputime, kSigevNone, 0, 3, 0, 0, 0, 0});
  p.timer_count = 2;
  p.next_timer_id = 4;
  s.processes.push_back(p);
  return s;
}

inline std::vector<uint8_t> serialize(const Snapshot& s) { return serialize_info(s, kPagesSize); }

inline Header read_header(const std::vector<uint8_t>& bytes) {
  Header h;
  std::memcpy(&h, bytes.data(), sizeof(h));
  return h;
}

// Recomputes both checksums, so that a test reaches the checks behind them.
inline void reseal(std::vector<uint8_t>& bytes) {
  Header h = read_header(bytes);
  h.body_checksum = checksum64(bytes.data() + sizeof(Header), bytes.size() - sizeof(Header));
  h.header_checksum = checksum64(&h, offsetof(Header, header_checksum));
  std::memcpy(bytes.data(), &h, sizeof(h));
}

template <typename F>
std::vector<uint8_t> with_header(std::vector<uint8_t> bytes, F change) {
  Header h = read_header(bytes);
  change(h);
  std::memcpy(bytes.data(), &h, sizeof(h));
  reseal(bytes);
  return bytes;
}

inline std::unique_ptr<uint8_t[]> exact_copy(const uint8_t* data, size_t size) {
  std::unique_ptr<uint8_t[]> copy(new uint8_t[size]);
  if (size != 0) std::memcpy(copy.get(), data, size);
  return copy;
}

// open() fails, and its message contains `what`.
inline ::testing::AssertionResult refused(const uint8_t* data, size_t size, const char* what,
                                   uint64_t pages_size = kPagesSize) {
  auto copy = exact_copy(data, size);
  InfoView view;
  InfoError error;
  if (view.open(copy.get(), size, pages_size, &error)) {
    return ::testing::AssertionFailure() << "accepted; expected \"" << what << "\"";
  }
  if (error.what == nullptr) return ::testing::AssertionFailure() << "refused without a message";
  if (std::strstr(error.what, what) == nullptr) {
    return ::testing::AssertionFailure() << "refused with \"" << error.what << "\" (value "
                                         << error.value << "), expected \"" << what << "\"";
  }
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult refused(const std::vector<uint8_t>& bytes, const char* what,
                                   uint64_t pages_size = kPagesSize) {
  return refused(bytes.data(), bytes.size(), what, pages_size);
}

inline std::string str(const InfoView& v, const BlobRef& ref) { return std::string(v.string(ref)); }
inline std::string bytes_of(const InfoView& v, const BlobRef& ref) {
  return std::string(reinterpret_cast<const char*>(v.blob(ref)), ref.size);
}

template <typename T>
bool same_bytes(const T& a, const T& b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

}  // namespace info_fixture
}  // namespace snappy

#endif  // SNAPPY_TESTS_UNIT_INFO_FORMAT_FIXTURE_H_
