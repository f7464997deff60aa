// The snapshot format (v3) end to end: what serialize_info() writes must read
// back unchanged through InfoView, and InfoView::open() must refuse every
// corruption with its specific message without ever reading outside the
// bytes it was given. Buffers handed to open() are exact-size heap copies so
// that AddressSanitizer sees any read past the end.
#include "common/info_reader.h"

#include <sys/mman.h>

#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "common/checksum.h"
#include "common/snapshot_format.h"
#include "common/snapshot_writer.h"

namespace snappy {
namespace {

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

uint32_t add_mapping(Snapshot& s, uint64_t start, uint64_t end, uint32_t prot, MappingBase base,
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
void add_run(Snapshot& s, uint64_t start, uint64_t size, uint64_t pages_offset) {
  s.runs.push_back({start, size, pages_offset, 0x5eed0000 + s.runs.size()});
  s.mappings.back().run_count++;
}

uint32_t add_file(Snapshot& s, std::string_view path, uint64_t ino, uint64_t size, uint32_t mode,
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

void add_fd(Snapshot& s, int32_t fd, uint32_t open_flags, uint32_t fd_flags, uint32_t file_index,
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

std::vector<uint8_t> xsave_pattern() {
  std::vector<uint8_t> x(kXsaveBytes);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<uint8_t>(i * 7 + 3);
  return x;
}

// One process as ptracer records it: a non-PIE program with libc, a heap of
// mmap'd pages, vvar/vdso, a stack; fds, handlers and replayed output.
Snapshot make_snapshot() {
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

std::vector<uint8_t> serialize(const Snapshot& s) { return serialize_info(s, kPagesSize); }

Header read_header(const std::vector<uint8_t>& bytes) {
  Header h;
  std::memcpy(&h, bytes.data(), sizeof(h));
  return h;
}

// Recomputes both checksums, so that a test reaches the checks behind them.
void reseal(std::vector<uint8_t>& bytes) {
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

std::unique_ptr<uint8_t[]> exact_copy(const uint8_t* data, size_t size) {
  std::unique_ptr<uint8_t[]> copy(new uint8_t[size]);
  if (size != 0) std::memcpy(copy.get(), data, size);
  return copy;
}

// open() fails, and its message contains `what`.
::testing::AssertionResult refused(const uint8_t* data, size_t size, const char* what,
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

::testing::AssertionResult refused(const std::vector<uint8_t>& bytes, const char* what,
                                   uint64_t pages_size = kPagesSize) {
  return refused(bytes.data(), bytes.size(), what, pages_size);
}

std::string str(const InfoView& v, const BlobRef& ref) { return std::string(v.string(ref)); }
std::string bytes_of(const InfoView& v, const BlobRef& ref) {
  return std::string(reinterpret_cast<const char*>(v.blob(ref)), ref.size);
}

template <typename T>
bool same_bytes(const T& a, const T& b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

// ---------------------------------------------------------------- layout

TEST(InfoFormatLayout, HeaderIs304BytesAndRecordSizesMatchTheTable) {
  EXPECT_EQ(kVersion, 7u);
  EXPECT_EQ(sizeof(Header), 304u);
  EXPECT_EQ(offsetof(Header, learned_pages_id), 288u);
  EXPECT_EQ(offsetof(Header, header_checksum), 296u);
  EXPECT_EQ(offsetof(Header, sections), 112u);
  EXPECT_EQ(offsetof(ProcessRecord, coredump_filter), 240u);
  EXPECT_EQ(offsetof(ProcessRecord, first_timer), 600u);
  const uint32_t expected[kSectionCount] = {616, 312, 80, 32, 72, 32, 40, 24, 1, 48, 24};
  const size_t sizes[kSectionCount] = {sizeof(ProcessRecord), sizeof(ThreadRecord),
      sizeof(MappingRecord), sizeof(PageRunRecord), sizeof(FileRecord), sizeof(FdRecord),
      sizeof(SigactionRecord), sizeof(OutputRecord), 1, sizeof(TimerRecord), sizeof(LearnedRunRecord)};
  for (uint32_t s = 0; s < kSectionCount; ++s) {
    EXPECT_EQ(kRecordSize[s], expected[s]) << "section " << s;
    EXPECT_EQ(kRecordSize[s], sizes[s]) << "section " << s;
    EXPECT_EQ(kRecordSize[s] % 8 == 0, s != kBlob) << "records stay 8-aligned, section " << s;
  }
}

TEST(InfoFormatLayout, WriterFillsHeaderAndPlacesSectionsInOrder) {
  Snapshot s = make_snapshot();
  std::vector<uint8_t> bytes = serialize(s);
  Header h = read_header(bytes);
  EXPECT_EQ(std::memcmp(h.magic, kInfoMagic, 8), 0);
  EXPECT_EQ(h.version, kVersion);
  EXPECT_EQ(h.header_size, 304u);
  EXPECT_EQ(h.arch, kArchX86_64);
  EXPECT_EQ(h.flags, 0u);
  EXPECT_EQ(h.info_size, bytes.size());
  EXPECT_EQ(bytes.size() % 8, 0u);
  EXPECT_EQ(h.pages_size, kPagesSize);
  EXPECT_EQ(h.created_unix_ns, s.created_unix_ns);
  EXPECT_EQ(h.xcr0, s.xcr0);
  EXPECT_EQ(h.xsave_size, kXsaveBytes);
  EXPECT_EQ(h.header_checksum, checksum64(bytes.data(), 296));
  EXPECT_EQ(h.body_checksum, checksum64(bytes.data() + 304, bytes.size() - 304));
  EXPECT_EQ(h.training_runs, 0u);
  EXPECT_EQ(h.learned_pages_id, 0u);
  uint64_t end = sizeof(Header);
  for (uint32_t i = 0; i < kSectionCount; ++i) {
    const SectionRef& ref = h.sections[i];
    EXPECT_EQ(ref.record_size, kRecordSize[i]) << "section " << i;
    EXPECT_EQ(ref.offset % 8, 0u) << "section " << i;
    EXPECT_GE(ref.offset, end) << "section " << i;
    end = ref.offset + uint64_t(ref.count) * ref.record_size;
  }
  EXPECT_LE(end, bytes.size());
  EXPECT_EQ(h.sections[kBlob].count, s.blob.size());
  // Every blob reference the writer hands out is 8-aligned.
  for (const ThreadRecord& t : s.threads) EXPECT_EQ(t.xsave.offset % 8, 0u);
  for (const OutputRecord& o : s.outputs) EXPECT_EQ(o.data.offset % 8, 0u);
}

// ------------------------------------------------------------ round trip

TEST(InfoFormatRoundTrip, EveryRecordAndBlobReadsBack) {
  Snapshot s = make_snapshot();
  std::vector<uint8_t> bytes = serialize(s);
  InfoView v;
  InfoError error;
  ASSERT_TRUE(v.open(bytes.data(), bytes.size(), kPagesSize, &error)) << error.what;

  EXPECT_EQ(v.header().created_unix_ns, s.created_unix_ns);
  EXPECT_EQ(v.header().xsave_size, kXsaveBytes);
  ASSERT_EQ(v.count(kProcesses), 1u);
  ASSERT_EQ(v.count(kThreads), 1u);
  ASSERT_EQ(v.count(kMappings), uint32_t{kMappingCount});
  ASSERT_EQ(v.count(kPageRuns), uint32_t{kRunCount});
  ASSERT_EQ(v.count(kFiles), 4u);
  ASSERT_EQ(v.count(kFds), 4u);
  ASSERT_EQ(v.count(kSigactions), 3u);
  ASSERT_EQ(v.count(kOutputs), 3u);
  ASSERT_EQ(v.count(kBlob), s.blob.size());
  ASSERT_EQ(v.count(kTimers), 2u);
  EXPECT_EQ(std::memcmp(v.blob({0, s.blob.size()}), s.blob.data(), s.blob.size()), 0);

  // Byte-for-byte, every record.
  for (uint32_t i = 0; i < v.count(kProcesses); ++i) EXPECT_TRUE(same_bytes(v.process(i), s.processes[i]));
  for (uint32_t i = 0; i < v.count(kThreads); ++i) EXPECT_TRUE(same_bytes(v.thread(i), s.threads[i]));
  for (uint32_t i = 0; i < v.count(kMappings); ++i) EXPECT_TRUE(same_bytes(v.mapping(i), s.mappings[i])) << i;
  for (uint32_t i = 0; i < v.count(kPageRuns); ++i) EXPECT_TRUE(same_bytes(v.run(i), s.runs[i])) << i;
  for (uint32_t i = 0; i < v.count(kFiles); ++i) EXPECT_TRUE(same_bytes(v.file(i), s.files[i])) << i;
  for (uint32_t i = 0; i < v.count(kFds); ++i) EXPECT_TRUE(same_bytes(v.fd(i), s.fds[i])) << i;
  for (uint32_t i = 0; i < v.count(kSigactions); ++i) EXPECT_TRUE(same_bytes(v.sigaction(i), s.sigactions[i])) << i;
  for (uint32_t i = 0; i < v.count(kOutputs); ++i) EXPECT_TRUE(same_bytes(v.output(i), s.outputs[i])) << i;
  for (uint32_t i = 0; i < v.count(kTimers); ++i) EXPECT_TRUE(same_bytes(v.timer(i), s.timers[i])) << i;
  EXPECT_EQ(v.process(0).timer_count, 2u);
  EXPECT_EQ(v.process(0).next_timer_id, 4);
  EXPECT_EQ(v.timer(0).remaining_ns, 250000000u);
  EXPECT_EQ(v.timer(1).notify, kSigevNone);

  // And by meaning, the way restore and snapinfo read them.
  const ProcessRecord& p = v.process(0);
  EXPECT_EQ(p.pid, 4242u);
  EXPECT_EQ(str(v, p.exe), "/usr/bin/prog");
  EXPECT_EQ(str(v, p.cwd), "/home/user");
  EXPECT_EQ(str(v, p.kernel_release), "6.18.0-snappy");
  EXPECT_EQ(bytes_of(v, p.argv), std::string(kArgv, sizeof(kArgv)));
  std::vector<std::string> argv;
  for (const char* a = v.string(p.argv); a < v.string(p.argv) + p.argv.size; a += std::strlen(a) + 1) {
    argv.emplace_back(a);
  }
  EXPECT_EQ(argv, (std::vector<std::string>{"/usr/bin/prog", "--config", "/etc/prog.conf", "two words"}));
  EXPECT_EQ(bytes_of(v, p.envp), std::string(kEnvp, sizeof(kEnvp)));
  ASSERT_EQ(p.auxv.size, sizeof(kAuxv));
  EXPECT_EQ(std::memcmp(v.blob(p.auxv), kAuxv, sizeof(kAuxv)), 0);
  EXPECT_STREQ(p.comm, "prog");
  EXPECT_EQ(p.umask, 022u);
  EXPECT_EQ(p.mm.start_stack, 0x7fffffffe5c0u);
  EXPECT_EQ(p.trigger.nr, 39u);
  EXPECT_EQ(p.trigger.args[0], 0xdeadu);
  EXPECT_EQ(p.trigger.kind, uint32_t{kTriggerSyscall});

  const ThreadRecord& t = v.thread(p.first_thread);
  EXPECT_EQ(t.tid, 4242u);
  EXPECT_EQ(t.regs[kRip], 0x7f0000001234u);
  EXPECT_EQ(t.regs[kOrigRax], 39u);
  EXPECT_EQ(t.regs[kGs], 0x1111111100000000ull + kGs);
  EXPECT_EQ(t.rseq_sig, 0x53053053u);
  ASSERT_EQ(t.xsave.size, kXsaveBytes);
  std::vector<uint8_t> xsave = xsave_pattern();
  EXPECT_EQ(std::memcmp(v.blob(t.xsave), xsave.data(), kXsaveBytes), 0);

  const MappingRecord& heap = v.mapping(kHeap);
  EXPECT_EQ(heap.start, 0x10000000u);
  EXPECT_EQ(heap.end, 0x10004000u);
  EXPECT_EQ(heap.base, uint32_t{kBasePages});
  EXPECT_EQ(heap.pages_offset, 0x2000u);
  ASSERT_EQ(heap.run_count, 2u);
  EXPECT_EQ(v.run(heap.first_run + 1).start, 0x10002000u);
  EXPECT_EQ(v.run(heap.first_run + 1).pages_offset, 0x4000u);
  EXPECT_EQ(v.mapping(kExeData).file_offset, 0x1000u);
  EXPECT_EQ(str(v, v.file(v.mapping(kLibcText).file_index).path), "/usr/lib/x86_64-linux-gnu/libc.so.6");
  EXPECT_EQ(str(v, v.mapping(kVvarClock).name), "[vvar_vclock]");
  EXPECT_EQ(v.mapping(kVdso).checksum, 0xfeedface12345678u);
  EXPECT_EQ(v.mapping(kStack).flags, uint32_t{kMappingGrowsDown});
  EXPECT_EQ(v.mapping(kAnon).name.size, 0u);
  EXPECT_EQ(v.run(v.mapping(kStack).first_run).pages_offset, 0x26000u);

  EXPECT_EQ(str(v, v.file(v.fd(0).file_index).path), "/etc/prog.conf");
  EXPECT_EQ(v.fd(0).offset, 17u);
  EXPECT_EQ(v.fd(3).fd, 8);
  EXPECT_EQ(v.fd(3).description, v.fd(0).description);
  EXPECT_EQ(v.file(kFileDir).mode, 040755u);
  for (uint32_t i = 0; i < v.count(kFiles); ++i) {
    EXPECT_EQ(v.file(i).mtime_ns, s.files[i].mtime_ns) << "file " << i;
    EXPECT_EQ(v.file(i).ctime_ns, s.files[i].ctime_ns) << "file " << i;
  }
  EXPECT_EQ(v.sigaction(1).signo, 11u);
  EXPECT_EQ(v.sigaction(1).mask, 2u);
  EXPECT_EQ(bytes_of(v, v.output(0).data), "hello, world\n");
  EXPECT_EQ(v.output(1).fd, 2u);
  EXPECT_EQ(bytes_of(v, v.output(1).data), "warning: no cache\n");
  EXPECT_EQ(bytes_of(v, v.output(2).data),
            std::string(reinterpret_cast<const char*>(kBinaryOutput), sizeof(kBinaryOutput)));
}

TEST(InfoFormatRoundTrip, TwoProcessesKeepTheirOwnRanges) {
  // `snap` writes several processes; each owns contiguous index ranges.
  Snapshot s = make_snapshot();
  ProcessRecord p = s.processes[0];
  p.pid = 5000;
  p.first_thread = 1;
  p.first_mapping = kMappingCount;
  p.mapping_count = 1;
  p.first_fd = 4;
  p.fd_count = 0;
  p.first_sigaction = 3;
  p.sigaction_count = 0;
  p.first_output = 3;
  p.output_count = 0;
  p.exe = s.add_string("/usr/bin/other");
  s.processes.push_back(p);
  ThreadRecord t = s.threads[0];
  t.tid = 5000;
  s.threads.push_back(t);
  // The same address as process 0's heap: processes are separate spaces.
  add_mapping(s, 0x10000000, 0x10001000, PROT_READ, kBasePages, "");
  std::vector<uint8_t> bytes = serialize(s);

  InfoView v;
  InfoError error;
  ASSERT_TRUE(v.open(bytes.data(), bytes.size(), kPagesSize, &error)) << error.what;
  ASSERT_EQ(v.count(kProcesses), 2u);
  EXPECT_EQ(str(v, v.process(1).exe), "/usr/bin/other");
  EXPECT_EQ(v.thread(v.process(1).first_thread).tid, 5000u);
  EXPECT_EQ(v.mapping(v.process(1).first_mapping).end, 0x10001000u);
}

TEST(InfoFormatRoundTrip, MinimalSnapshotOpens) {
  Snapshot s;
  std::vector<uint8_t> xsave(576);
  ThreadRecord t{};
  t.xsave = s.add_blob(xsave.data(), xsave.size());
  s.threads.push_back(t);
  ProcessRecord p{};
  p.thread_count = 1;
  p.exe = s.add_string("/x");
  p.cwd = s.add_string("/");
  p.kernel_release = s.add_string("6");
  s.processes.push_back(p);
  std::vector<uint8_t> bytes = serialize_info(s, 0);
  InfoView v;
  InfoError error;
  ASSERT_TRUE(v.open(bytes.data(), bytes.size(), 0, &error)) << error.what;
  EXPECT_EQ(v.count(kMappings), 0u);
  EXPECT_EQ(v.count(kFiles), 0u);
}

// A record of a change to the caller's fd 0-2, as ptracer writes it, reads
// back (the refused variants are in kFieldCases).
TEST(InfoFormatRoundTrip, CallerStatusRecordOpens) {
  Snapshot s = make_snapshot();
  s.fds[1] = {2, kStatusAppend, 0, kStatusAppend | kStatusNonblock, 0, 0, kFdCallerStatus};
  std::vector<uint8_t> bytes = serialize(s);
  InfoView v;
  InfoError error;
  ASSERT_TRUE(v.open(bytes.data(), bytes.size(), kPagesSize, &error)) << error.what;
  EXPECT_EQ(v.fd(1).kind, kFdCallerStatus);
}

// ------------------------------------------------- header-level refusals

TEST(InfoFormatHeader, RefusesEachBrokenHeaderField) {
  const std::vector<uint8_t> good = serialize(make_snapshot());
  {
    InfoView view;
    InfoError error;
    ASSERT_TRUE(view.open(good.data(), good.size(), kPagesSize, &error)) << error.what;
  }

  std::vector<uint8_t> b = good;
  b[3] = 'X';
  EXPECT_TRUE(refused(b, "bad magic"));
  EXPECT_TRUE(refused(with_header(good, [](Header& h) { h.magic[7] = 0; }), "bad magic"));

  // Another version, older or newer, in decimal and without a value: every
  // tool prints "NAME.info: recorded by format N, this build reads M".
  static_assert(kVersion == 7, "a layout change bumps the version: update this test and tests/tools/info_patch");
  for (uint32_t version : {kVersion - 1, 0u, kVersion + 1, 4294967295u}) {
    InfoError error;
    InfoView view;
    b = with_header(good, [version](Header& h) { h.version = version; });
    EXPECT_FALSE(view.open(b.data(), b.size(), kPagesSize, &error));
    EXPECT_STREQ(error.what, ("recorded by format " + std::to_string(version) + ", this build reads " +
                             std::to_string(kVersion)).c_str());
    EXPECT_FALSE(error.has_value);
  }
  // Read before the checksum: a newer format's header may be laid out
  // differently, and is named as such, not as corrupt.
  b = good;
  b[offsetof(Header, version)] = 9;
  EXPECT_TRUE(refused(b, ("recorded by format 9, this build reads " + std::to_string(kVersion)).c_str()));

  b = good;
  b[offsetof(Header, created_unix_ns)] ^= 1;
  EXPECT_TRUE(refused(b, "header checksum mismatch"));
  b = good;
  b[offsetof(Header, header_checksum) + 7] ^= 0x80;
  EXPECT_TRUE(refused(b, "header checksum mismatch"));

  EXPECT_TRUE(refused(with_header(good, [](Header& h) { h.arch = 3; }), "another architecture"));
  EXPECT_TRUE(refused(with_header(good, [](Header& h) { h.arch = 183; }), "another architecture"));
  EXPECT_TRUE(refused(with_header(good, [](Header& h) { h.header_size = 256; }), "bad header size"));
  EXPECT_TRUE(refused(with_header(good, [](Header& h) { h.info_size += 8; }), "truncated"));
  EXPECT_TRUE(refused(with_header(good, [](Header& h) { h.pages_size += 4096; }), "pages file size differs"));

  // The body checksum covers everything after the header.
  b = good;
  b[sizeof(Header) + 5] ^= 0x10;
  EXPECT_TRUE(refused(b, "checksum mismatch in the info file body"));
  b = good;
  b.back() ^= 1;
  EXPECT_TRUE(refused(b, "checksum mismatch in the info file body"));
  // A wrong body checksum under a valid header checksum.
  b = good;
  Header h = read_header(b);
  h.body_checksum ^= 1;
  h.header_checksum = checksum64(&h, offsetof(Header, header_checksum));
  std::memcpy(b.data(), &h, sizeof(h));
  EXPECT_TRUE(refused(b, "checksum mismatch in the info file body"));
}

TEST(InfoFormatHeader, RefusesWrongFileSizes) {
  const std::vector<uint8_t> good = serialize(make_snapshot());
  EXPECT_TRUE(refused(good.data(), 0, "file too short for a header"));
  EXPECT_TRUE(refused(good.data(), sizeof(Header) - 1, "file too short for a header"));
  EXPECT_TRUE(refused(good.data(), good.size() - 8, "truncated"));
  std::vector<uint8_t> longer = good;
  longer.resize(good.size() + 8);
  EXPECT_TRUE(refused(longer, "info file size differs from its header"));
  EXPECT_TRUE(refused(good, "pages file size differs", kPagesSize - 4096));
  EXPECT_TRUE(refused(good, "pages file size differs", kPagesSize + 4096));
  EXPECT_TRUE(refused(good, "pages file size differs", 0));
}

TEST(InfoFormatHeader, RefusesAnInfoFileOverTheSizeLimit) {
  // Untouched anonymous pages cost nothing: the size check comes before the
  // body checksum, so only the header page is ever written or read.
  const uint64_t size = kMaxInfoSize + kPageSize;
  void* mem = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(mem, MAP_FAILED);
  std::vector<uint8_t> head = serialize(make_snapshot());
  head.resize(sizeof(Header));
  Header h = read_header(head);
  h.info_size = size;
  h.header_checksum = checksum64(&h, offsetof(Header, header_checksum));
  std::memcpy(mem, &h, sizeof(h));
  InfoView view;
  InfoError error;
  EXPECT_FALSE(view.open(mem, size, kPagesSize, &error));
  EXPECT_STREQ(error.what, "info file too large");
  munmap(mem, size);
}

TEST(InfoFormatHeader, RefusesBrokenSectionTables) {
  const std::vector<uint8_t> good = serialize(make_snapshot());
  for (uint32_t s = 0; s < kSectionCount; ++s) {
    SCOPED_TRACE("section " + std::to_string(s));
    auto b = with_header(good, [s](Header& h) { h.sections[s].record_size += 8; });
    EXPECT_TRUE(refused(b, "bad record size in section"));
    b = with_header(good, [s](Header& h) { h.sections[s].record_size = 0; });
    EXPECT_TRUE(refused(b, "bad record size in section"));
    b = with_header(good, [s](Header& h) { h.sections[s].offset += 4; });
    EXPECT_TRUE(refused(b, "misplaced section"));
    b = with_header(good, [s](Header& h) { h.sections[s].offset = 0; });
    EXPECT_TRUE(refused(b, "misplaced section"));
    b = with_header(good, [s](Header& h) { h.sections[s].offset = ~uint64_t{7}; });
    EXPECT_TRUE(refused(b, "section runs past the end of the file"));
    b = with_header(good, [s](Header& h) { h.sections[s].count = 0xffffffff; });
    EXPECT_TRUE(refused(b, "section runs past the end of the file"));
    b = with_header(good, [&](Header& h) { h.sections[s].offset = good.size(); h.sections[s].count = 1; });
    EXPECT_TRUE(refused(b, "section runs past the end of the file"));
  }
}

// ---------------------------------------------- field-level refusals
// The Snapshot is broken before it is serialized, so both checksums are
// valid and the structural checks behind them are what refuses it.

struct FieldCase {
  const char* name;
  void (*mutate)(Snapshot&);
  const char* what;  // nullptr: must be accepted (a boundary that is legal)
};

void move_mapping(Snapshot& s, uint32_t i, uint64_t new_start) {
  MappingRecord& m = s.mappings[i];
  uint64_t delta = new_start - m.start;
  m.start += delta;
  m.end += delta;
  for (uint32_t r = m.first_run; r < m.first_run + m.run_count; ++r) s.runs[r].start += delta;
}

const FieldCase kFieldCases[] = {
    // Mappings.
    {"MappingsOverlap", [](Snapshot& s) { s.mappings[kBss].start -= kPageSize; }, "overlap"},
    {"MappingsUnsorted", [](Snapshot& s) { std::swap(s.mappings[kLibcText], s.mappings[kAnon]); }, "unsorted"},
    {"MappingInsideWindow", [](Snapshot& s) { move_mapping(s, kHeap, kWindowStart + 0x10000); }, "reserved window"},
    {"MappingAtWindowStart", [](Snapshot& s) { move_mapping(s, kHeap, kWindowStart); }, "reserved window"},
    {"MappingStraddlesWindowStart", [](Snapshot& s) { move_mapping(s, kHeap, kWindowStart - kPageSize); }, "reserved window"},
    {"MappingStraddlesWindowEnd", [](Snapshot& s) { move_mapping(s, kHeap, kWindowEnd - kPageSize); }, "reserved window"},
    {"MappingEndsAtWindowStart", [](Snapshot& s) { move_mapping(s, kHeap, kWindowStart - 0x4000); }, nullptr},
    {"MappingStartsAtWindowEnd", [](Snapshot& s) { move_mapping(s, kHeap, kWindowEnd); }, nullptr},
    {"MappingPastUserSpace", [](Snapshot& s) { s.mappings[kStack].end += kPageSize; }, "outside user space"},
    {"MappingAboveUserSpace", [](Snapshot& s) { move_mapping(s, kStack, 0xffffffffff600000 - 0x21000); }, "outside user space"},
    {"MappingStartUnaligned", [](Snapshot& s) { s.mappings[kAnon].start += 1; }, "not page-aligned"},
    {"MappingEndUnaligned", [](Snapshot& s) { s.mappings[kAnon].end -= 8; }, "not page-aligned"},
    {"MappingEmpty", [](Snapshot& s) { s.mappings[kAnon].end = s.mappings[kAnon].start; }, "not page-aligned"},
    {"MappingEndBeforeStart", [](Snapshot& s) { s.mappings[kAnon].end = s.mappings[kAnon].start - kPageSize; }, "not page-aligned"},
    {"MappingBadProt", [](Snapshot& s) { s.mappings[kAnon].prot = 8; }, "bad protection"},
    {"MappingNameWithoutNul", [](Snapshot& s) { s.mappings[kVdso].name.size -= 1; }, "mapping name outside the string table"},
    {"MappingNamePastBlob", [](Snapshot& s) { s.mappings[kVdso].name.offset = s.blob.size(); }, "mapping name outside the string table"},
    {"MappingFileIndexOutOfRange", [](Snapshot& s) { s.mappings[kLibcText].file_index = s.files.size(); }, "bad file for mapping"},
    {"MappingFileOffsetUnaligned", [](Snapshot& s) { s.mappings[kExeData].file_offset = 0x1008; }, "bad file for mapping"},
    {"MappingPagesOffsetUnaligned", [](Snapshot& s) { s.mappings[kHeap].pages_offset += 8; }, "outside the pages file"},
    {"MappingPastPagesFile", [](Snapshot& s) { s.mappings[kStack].pages_offset += kPageSize; }, "outside the pages file"},
    {"MappingPagesOffsetWraps", [](Snapshot& s) { s.mappings[kHeap].pages_offset = ~(kPageSize - 1); }, "outside the pages file"},
    {"MappingUnknownBase", [](Snapshot& s) { s.mappings[kAnon].base = 5; }, "unknown base"},
    {"MappingUnknownBaseHuge", [](Snapshot& s) { s.mappings[kAnon].base = 0xffffffff; }, "unknown base"},
    {"RunsOnVdso", [](Snapshot& s) { s.mappings[kVdso].first_run = kRunStack; s.mappings[kVdso].run_count = 1; }, "stored pages for a kernel mapping"},
    {"RunsOnVvar", [](Snapshot& s) { s.mappings[kVvar].first_run = kRunStack; s.mappings[kVvar].run_count = 1; }, "stored pages for a kernel mapping"},
    // Page runs.
    {"RunRangeOutOfBounds", [](Snapshot& s) { s.mappings[kStack].first_run = kRunCount; }, "bad page run range"},
    {"RunRangeWraps", [](Snapshot& s) { s.mappings[kStack].first_run = 0xffffffff; s.mappings[kStack].run_count = 2; }, "bad page run range"},
    {"RunStartUnaligned", [](Snapshot& s) { s.runs[kRunBss].start += 16; }, "page run not page-aligned"},
    {"RunSizeUnaligned", [](Snapshot& s) { s.runs[kRunBss].size = 100; }, "page run not page-aligned"},
    {"RunSizeZero", [](Snapshot& s) { s.runs[kRunBss].size = 0; }, "page run not page-aligned"},
    {"RunPagesOffsetUnaligned", [](Snapshot& s) { s.runs[kRunBss].pages_offset += 512; }, "page run not page-aligned"},
    {"RunBeforeItsMapping", [](Snapshot& s) { s.runs[kRunBss].start -= kPageSize; }, "page run outside its mapping"},
    {"RunPastItsMapping", [](Snapshot& s) { s.runs[kRunExeData].size = 0x2000; }, "page run outside its mapping"},
    {"RunSizeWraps", [](Snapshot& s) { s.runs[kRunBss].size = ~(kPageSize - 1); }, "page run outside its mapping"},
    {"RunsUnsorted", [](Snapshot& s) { std::swap(s.runs[kRunHeapLow], s.runs[kRunHeapHigh]); }, "page run outside its mapping"},
    {"RunsOverlap", [](Snapshot& s) { s.runs[kRunHeapLow].size = 0x3000; }, "page run outside its mapping"},
    {"RunPastPagesFile", [](Snapshot& s) { s.runs[kRunExeData].pages_offset = kPagesSize; }, "page run points outside the pages file"},
    {"RunPagesOffsetWraps", [](Snapshot& s) { s.runs[kRunBss].pages_offset = ~(kPageSize - 1); }, "page run points outside the pages file"},
    {"RunDisagreesWithPagesMapping", [](Snapshot& s) { s.runs[kRunHeapLow].pages_offset += kPageSize; }, "page run disagrees with its mapping"},
    // Files, fds, signal handlers, output.
    {"FilePathWithoutNul", [](Snapshot& s) { s.files[kFileConf].path.size -= 1; }, "file path outside the string table"},
    {"FilePathEmpty", [](Snapshot& s) { s.files[kFileConf].path.size = 0; }, "file path outside the string table"},
    {"FilePathPastBlob", [](Snapshot& s) { s.files[kFileConf].path.offset = s.blob.size() - 1; }, "file path outside the string table"},
    {"FdBadFileIndex", [](Snapshot& s) { s.fds[1].file_index = s.files.size(); }, "bad fd record"},
    {"FdNegative", [](Snapshot& s) { s.fds[1].fd = -1; }, "bad fd record"},
    // A change to the caller's fd 0-2 (what ptracer writes: fd 1, O_APPEND
    // set, every other field 0), then each thing a reader must refuse.
    {"CallerStatusAboveFd2", [](Snapshot& s) { s.fds[1] = {3, kStatusAppend, 0, kStatusAppend, 0, 0, kFdCallerStatus}; }, "bad fd record"},
    {"CallerStatusNoBits", [](Snapshot& s) { s.fds[1] = {1, 0, 0, 0, 0, 0, kFdCallerStatus}; }, "bad fd record"},
    {"CallerStatusOtherBit", [](Snapshot& s) { s.fds[1] = {1, 020000, 0, 020000, 0, 0, kFdCallerStatus}; }, "bad fd record"},
    {"CallerStatusValueOutsideMask", [](Snapshot& s) { s.fds[1] = {1, kStatusNonblock, 0, kStatusAppend, 0, 0, kFdCallerStatus}; }, "bad fd record"},
    {"CallerStatusWithOffset", [](Snapshot& s) { s.fds[1] = {1, kStatusAppend, 0, kStatusAppend, 8, 0, kFdCallerStatus}; }, "bad fd record"},
    {"CallerStatusWithDescription", [](Snapshot& s) { s.fds[1] = {1, kStatusAppend, 0, kStatusAppend, 0, 2, kFdCallerStatus}; }, "bad fd record"},
    {"FdKindPastTheLast", [](Snapshot& s) { s.fds[1].kind = kFdKindCount; }, "bad fd record"},
    {"Signal0", [](Snapshot& s) { s.sigactions[0].signo = 0; }, "bad signal number"},
    {"SignalKill", [](Snapshot& s) { s.sigactions[0].signo = 9; }, "bad signal number"},
    {"SignalStop", [](Snapshot& s) { s.sigactions[0].signo = 19; }, "bad signal number"},
    {"Signal65", [](Snapshot& s) { s.sigactions[0].signo = 65; }, "bad signal number"},
    {"Signal1", [](Snapshot& s) { s.sigactions[0].signo = 1; }, nullptr},
    {"OutputForFd3", [](Snapshot& s) { s.outputs[1].fd = 3; }, "output replay for an fd other than 1 or 2"},
    {"OutputForFd0", [](Snapshot& s) { s.outputs[1].fd = 0; }, "output replay for an fd other than 1 or 2"},
    {"OutputPastBlob", [](Snapshot& s) { s.outputs[2].data.size = s.blob.size(); }, "output data outside the blob"},
    {"OutputSizeWraps", [](Snapshot& s) { s.outputs[2].data.size = ~uint64_t{0}; }, "output data outside the blob"},
    // Threads.
    {"XsaveTooSmall", [](Snapshot& s) { s.threads[0].xsave.size = 575; }, "bad xsave area for thread"},
    {"XsaveSmallest", [](Snapshot& s) { s.threads[0].xsave.size = 576; }, nullptr},
    {"XsaveTooLarge", [](Snapshot& s) {
       std::vector<uint8_t> big(kMaxXsaveSize + 8);
       s.threads[0].xsave = s.add_blob(big.data(), big.size());
     }, "bad xsave area for thread"},
    {"XsavePastBlob", [](Snapshot& s) { s.threads[0].xsave.offset = s.blob.size() - 600; s.threads[0].xsave.size = 1088; }, "bad xsave area for thread"},
    // Processes.
    {"NoProcess", [](Snapshot& s) { s.processes.clear(); }, "snapshot holds no process"},
    {"ThreadRangeOutOfBounds", [](Snapshot& s) { s.processes[0].thread_count = 2; }, "bad thread range for process"},
    {"ThreadRangeStartOutOfBounds", [](Snapshot& s) { s.processes[0].first_thread = 1; }, "bad thread range for process"},
    {"NoThread", [](Snapshot& s) { s.processes[0].thread_count = 0; }, "bad thread range for process"},
    {"MappingRangeOutOfBounds", [](Snapshot& s) { s.processes[0].first_mapping = 1; }, "bad mapping range for process"},
    {"MappingRangeWraps", [](Snapshot& s) { s.processes[0].first_mapping = 0xfffffff0; s.processes[0].mapping_count = 0x20; }, "bad mapping range for process"},
    {"FdRangeOutOfBounds", [](Snapshot& s) { s.processes[0].fd_count = 5; }, "bad fd range for process"},
    {"SigactionRangeOutOfBounds", [](Snapshot& s) { s.processes[0].first_sigaction = 4; s.processes[0].sigaction_count = 0; }, "bad signal handler range for process"},
    {"OutputRangeOutOfBounds", [](Snapshot& s) { s.processes[0].first_output = 2; }, "bad output range for process"},
    {"ExeWithoutNul", [](Snapshot& s) { s.processes[0].exe.size -= 1; }, "process string outside the string table"},
    {"CwdEmpty", [](Snapshot& s) { s.processes[0].cwd.size = 0; }, "process string outside the string table"},
    {"KernelReleasePastBlob", [](Snapshot& s) { s.processes[0].kernel_release.offset = ~uint64_t{0}; }, "process string outside the string table"},
    {"ArgvPastBlob", [](Snapshot& s) { s.processes[0].argv.size = s.blob.size(); }, "process blob outside the blob section"},
    {"EnvpPastBlob", [](Snapshot& s) { s.processes[0].envp.offset = s.blob.size(); }, "process blob outside the blob section"},
    {"AuxvPastBlob", [](Snapshot& s) { s.processes[0].auxv.offset = s.blob.size() - 16; }, "process blob outside the blob section"},
    {"AuxvOddSize", [](Snapshot& s) { s.processes[0].auxv.size -= 8; }, "process blob outside the blob section"},
    {"EmptyArgvAndEnvp", [](Snapshot& s) { s.processes[0].argv.size = 0; s.processes[0].envp.size = 0; }, nullptr},
    {"TriggerThreadOutOfRange", [](Snapshot& s) { s.processes[0].trigger.thread = 1; }, "trigger thread out of range"},
    {"ArgvWithoutNul", [](Snapshot& s) { s.processes[0].argv.size -= 1; }, "argv or environment not NUL-terminated"},
    {"EnvpWithoutNul", [](Snapshot& s) { s.processes[0].envp.size -= 1; }, "argv or environment not NUL-terminated"},
    {"UnknownProcessFlag", [](Snapshot& s) { s.processes[0].flags |= 64; }, "unknown flags for process"},
    {"UnknownRlimitSet", [](Snapshot& s) { s.processes[0].rlimits_set |= 1u << kRlimitCount; }, "unknown resource among the limits set by process"},
    {"AllKnownProcessFlags", [](Snapshot& s) { s.processes[0].flags = kProcessNoVdso | kProcessThpDisabled | kProcessLockFuture | kProcessLockFutureOnFault | kProcessCoredumpFilter; s.processes[0].coredump_filter = kCoredumpFilterBits; s.processes[0].rlimits_set = (1u << kRlimitCount) - 1; }, nullptr},
    {"UnknownMappingFlag", [](Snapshot& s) { s.mappings[kStack].flags |= 1u << 14; }, "unknown flags for mapping at"},
    {"AllKnownMappingFlags", [](Snapshot& s) { s.mappings[kStack].flags = kMappingKnownFlags & ~uint32_t{kMappingShared}; }, nullptr},
    // The learned working set (snapinfo learn): inside mappings restore
    // can populate, sorted, disjoint, bound to these pages.
    {"LearnedSet", [](Snapshot& s) { s.pages_id = 7; s.training_runs = 2; s.learned = {{kBss, kLearnedWrite, 0, 2}, {kHeap, kLearnedWrite, 0, 1}, {kHeap, kLearnedRead, 1, 3}, {kLibcText, kLearnedRead, 0, 2}}; }, nullptr},
    {"LearnedWithoutTraining", [](Snapshot& s) { s.pages_id = 7; s.learned = {{kHeap, kLearnedWrite, 0, 1}}; }, "learned set without training runs"},
    {"LearnedUnboundPages", [](Snapshot& s) { s.pages_id = 0; s.training_runs = 1; s.learned = {{kHeap, kLearnedWrite, 0, 1}}; }, "learned set recorded against other pages"},
    {"LearnedPastMapping", [](Snapshot& s) { s.pages_id = 7; s.training_runs = 1; s.learned = {{kHeap, kLearnedWrite, 3, 2}}; }, "learned run outside its mapping"},
    {"LearnedCountWraps", [](Snapshot& s) { s.pages_id = 7; s.training_runs = 1; s.learned = {{kHeap, kLearnedWrite, 2, ~uint64_t{0}}}; }, "learned run outside its mapping"},
    {"LearnedEmptyRun", [](Snapshot& s) { s.pages_id = 7; s.training_runs = 1; s.learned = {{kHeap, kLearnedWrite, 0, 0}}; }, "learned run outside its mapping"},
    {"LearnedOverlap", [](Snapshot& s) { s.pages_id = 7; s.training_runs = 1; s.learned = {{kHeap, kLearnedWrite, 0, 2}, {kHeap, kLearnedRead, 1, 1}}; }, "learned runs unsorted or overlapping"},
    {"LearnedUnsorted", [](Snapshot& s) { s.pages_id = 7; s.training_runs = 1; s.learned = {{kLibcText, kLearnedRead, 0, 1}, {kHeap, kLearnedWrite, 0, 1}}; }, "learned runs unsorted or overlapping"},
    {"LearnedNoMapping", [](Snapshot& s) { s.pages_id = 7; s.training_runs = 1; s.learned = {{kMappingCount, kLearnedRead, 0, 1}}; }, "learned run names no mapping"},
    {"LearnedUnknownKind", [](Snapshot& s) { s.pages_id = 7; s.training_runs = 1; s.learned = {{kHeap, 3, 0, 1}}; }, "unknown kind of learned run"},
    {"LearnedWriteInText", [](Snapshot& s) { s.pages_id = 7; s.training_runs = 1; s.learned = {{kLibcText, kLearnedWrite, 0, 1}}; }, "learned write run in memory restore cannot write"},
    {"LearnedWriteInVdso", [](Snapshot& s) { s.pages_id = 7; s.training_runs = 1; s.learned = {{kVdso, kLearnedWrite, 0, 1}}; }, "learned write run in memory restore cannot write"},
    {"LearnedReadInZeroMemory", [](Snapshot& s) { s.pages_id = 7; s.training_runs = 1; s.learned = {{kBss, kLearnedRead, 0, 1}}; }, "learned read run in memory without a file"},
    {"LockOnFaultWithoutLock", [](Snapshot& s) { s.mappings[kStack].flags |= kMappingLockOnFault; }, "lock-on-fault without a lock for mapping at"},
    {"DroppableFileMapping", [](Snapshot& s) { s.mappings[kLibcText].flags |= kMappingDroppable; }, "droppable mapping not private anonymous memory at"},
    {"DroppableShared", [](Snapshot& s) { s.mappings[kStack].flags |= kMappingDroppable | kMappingShared; }, "droppable mapping not private anonymous memory at"},
    {"FutureOnFaultWithoutFuture", [](Snapshot& s) { s.processes[0].flags |= kProcessLockFutureOnFault; }, "MCL_ONFAULT without MCL_FUTURE for process"},
    {"CoredumpFilterBeyondKernelBits", [](Snapshot& s) { s.processes[0].flags |= kProcessCoredumpFilter; s.processes[0].coredump_filter = 0x200; }, "bad coredump_filter for process"},
    {"CoredumpFilterWithoutFlag", [](Snapshot& s) { s.processes[0].coredump_filter = 0x33; }, "bad coredump_filter for process"},
    {"ProcessReservedSet", [](Snapshot& s) { s.processes[0].reserved0 = 1; }, "bad coredump_filter for process"},
    {"UnknownTriggerKind", [](Snapshot& s) { s.processes[0].trigger.kind = 7; }, "unknown trigger kind"},
    {"MappingOfADirectory", [](Snapshot& s) { s.files[s.mappings[kLibcText].file_index].mode = 040755; }, "bad file for mapping"},
    {"RunOfNoMapping", [](Snapshot& s) { s.runs.push_back({0x1000, 0x1000, ~uint64_t{0xfff}, 0}); }, "page run points outside the pages file"},
    // POSIX timers.
    {"TimerRangeOutOfBounds", [](Snapshot& s) { s.processes[0].timer_count = 3; }, "bad timer range for process"},
    {"TimerIdsRepeated", [](Snapshot& s) { s.timers[1].id = 1; }, "timer ids unsorted or repeated"},
    {"TimerIdsUnsorted", [](Snapshot& s) { std::swap(s.timers[0], s.timers[1]); }, "timer ids unsorted or repeated"},
    {"TimerIdNegative", [](Snapshot& s) { s.timers[0].id = -1; }, "timer ids unsorted or repeated"},
    {"TimerIdAtNextId", [](Snapshot& s) { s.processes[0].next_timer_id = 3; }, "timer id not below the next timer id"},
    {"NextTimerIdNegative", [](Snapshot& s) { s.processes[0].next_timer_id = -5; }, "bad next timer id"},
    {"TimerThreadClock", [](Snapshot& s) { s.timers[0].clock = 3; }, "unknown clock for timer"},
    {"TimerPidCpuClock", [](Snapshot& s) { s.timers[0].clock = -8 * 4242 - 6; }, "unknown clock for timer"},
    {"TimerAlarmClock", [](Snapshot& s) { s.timers[0].clock = 8; }, "unknown clock for timer"},
    {"TimerUnknownNotify", [](Snapshot& s) { s.timers[0].notify = 3; }, "unknown notification for timer"},
    {"TimerSignal0", [](Snapshot& s) { s.timers[0].signo = 0; }, "bad signal number for timer"},
    {"TimerSignal65", [](Snapshot& s) { s.timers[0].signo = 65; }, "bad signal number for timer"},
    {"TimerToMissingThread", [](Snapshot& s) { s.timers[0].notify = kSigevThreadId | kSigevSignal; s.timers[0].thread = 1; }, "bad thread for timer"},
    {"TimerToTheOnlyThread", [](Snapshot& s) { s.timers[0].notify = kSigevThreadId | kSigevSignal; }, nullptr},
    {"TimerThreadWithoutThreadId", [](Snapshot& s) { s.timers[0].thread = 1; }, "bad thread for timer"},
    {"TimerReservedSet", [](Snapshot& s) { s.timers[1].reserved0 = 1; }, "bad thread for timer"},
    {"DisarmedTimerWithInterval", [](Snapshot& s) { s.timers[1].interval_ns = 5; }, "interval for a disarmed timer"},
    {"NoTimersButANextId", [](Snapshot& s) { s.timers.clear(); s.processes[0].timer_count = 0; }, nullptr},
    {"NoFdsHandlersOrOutput", [](Snapshot& s) {
       s.processes[0].fd_count = s.processes[0].sigaction_count = s.processes[0].output_count = 0;
     }, nullptr},
};

class InfoFormatField : public ::testing::TestWithParam<FieldCase> {};

TEST_P(InfoFormatField, RefusedWithItsMessage) {
  Snapshot s = make_snapshot();
  GetParam().mutate(s);
  std::vector<uint8_t> bytes = serialize(s);
  if (GetParam().what == nullptr) {
    auto copy = exact_copy(bytes.data(), bytes.size());
    InfoView view;
    InfoError error;
    EXPECT_TRUE(view.open(copy.get(), bytes.size(), kPagesSize, &error)) << error.what;
  } else {
    EXPECT_TRUE(refused(bytes, GetParam().what));
  }
}

INSTANTIATE_TEST_SUITE_P(InfoFormat, InfoFormatField, ::testing::ValuesIn(kFieldCases),
                         [](const ::testing::TestParamInfo<FieldCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(InfoFormatFieldValue, ErrorsCarryTheFailingValue) {
  Snapshot s = make_snapshot();
  s.sigactions[2].signo = 65;
  std::vector<uint8_t> bytes = serialize(s);
  InfoView view;
  InfoError error;
  ASSERT_FALSE(view.open(bytes.data(), bytes.size(), kPagesSize, &error));
  EXPECT_TRUE(error.has_value);
  EXPECT_EQ(error.value, 65u);

  s = make_snapshot();
  move_mapping(s, kHeap, kWindowStart);
  bytes = serialize(s);
  ASSERT_FALSE(view.open(bytes.data(), bytes.size(), kPagesSize, &error));
  EXPECT_EQ(error.value, kWindowStart);

  s = make_snapshot();
  s.processes.clear();
  bytes = serialize(s);
  ASSERT_FALSE(view.open(bytes.data(), bytes.size(), kPagesSize, &error));
  EXPECT_FALSE(error.has_value);
}

// ------------------------------------------------------------ robustness

// Everything an accepted view promises, rechecked independently, and every
// byte it points at read (AddressSanitizer catches reads outside the copy).
void check_promises(const InfoView& v, const uint8_t* data, uint64_t size) {
  auto inside = [&](const void* p, uint64_t n) {
    auto* b = static_cast<const uint8_t*>(p);
    return b >= data && b <= data + size && n <= uint64_t(data + size - b);
  };
  // [offset, offset + n) inside [0, limit), without overflow.
  auto within = [](uint64_t offset, uint64_t n, uint64_t limit) {
    return offset <= limit && n <= limit - offset;
  };
  const uint64_t pages_size = v.header().pages_size;
  uint64_t sum = 0;
  auto touch = [&](const BlobRef& ref) {
    ASSERT_TRUE(inside(v.blob(ref), ref.size));
    for (uint64_t i = 0; i < ref.size; ++i) sum += v.blob(ref)[i];
  };
  auto touch_string = [&](const BlobRef& ref) {
    touch(ref);
    if (::testing::Test::HasFatalFailure()) return;
    ASSERT_GT(ref.size, 0u);
    ASSERT_EQ(v.blob(ref)[ref.size - 1], 0);
  };
  for (uint32_t s = 0; s < kSectionCount; ++s) {
    const SectionRef& ref = v.header().sections[s];
    ASSERT_TRUE(inside(data + ref.offset, uint64_t(ref.count) * ref.record_size));
  }
  for (uint32_t i = 0; i < v.count(kFiles); ++i) touch_string(v.file(i).path);
  for (uint32_t i = 0; i < v.count(kOutputs); ++i) touch(v.output(i).data);
  for (uint32_t i = 0; i < v.count(kFds); ++i) {
    if (v.fd(i).kind == kFdFile) touch_string(v.file(v.fd(i).file_index).path);
  }
  for (uint32_t i = 0; i < v.count(kThreads); ++i) touch(v.thread(i).xsave);
  ASSERT_GT(v.count(kProcesses), 0u);
  for (uint32_t pi = 0; pi < v.count(kProcesses); ++pi) {
    const ProcessRecord& p = v.process(pi);
    touch_string(p.exe);
    touch_string(p.cwd);
    touch_string(p.kernel_release);
    touch(p.argv);
    touch(p.envp);
    touch(p.auxv);
    ASSERT_LT(p.trigger.thread, p.thread_count);
    ASSERT_TRUE(within(p.first_thread, p.thread_count, v.count(kThreads)));
    ASSERT_TRUE(within(p.first_mapping, p.mapping_count, v.count(kMappings)));
    touch(v.thread(p.first_thread + p.trigger.thread).xsave);
    uint64_t previous_end = 0;
    for (uint32_t mi = 0; mi < p.mapping_count; ++mi) {
      const MappingRecord& m = v.mapping(p.first_mapping + mi);
      ASSERT_LT(m.start, m.end);
      ASSERT_EQ(m.start % kPageSize, 0u);
      ASSERT_EQ(m.end % kPageSize, 0u);
      ASSERT_GE(m.start, previous_end);
      ASSERT_LE(m.end, kUserAddressEnd);
      ASSERT_TRUE(m.end <= kWindowStart || m.start >= kWindowEnd);
      previous_end = m.end;
      if (m.name.size != 0) touch_string(m.name);
      if (m.base == kBaseFile) touch_string(v.file(m.file_index).path);
      if (m.base == kBasePages) {
        ASSERT_TRUE(within(m.pages_offset, m.end - m.start, pages_size));
      }
      ASSERT_LE(m.base, uint32_t{kBaseVdso});
      ASSERT_TRUE(within(m.first_run, m.run_count, v.count(kPageRuns)));
      for (uint32_t r = 0; r < m.run_count; ++r) {
        const PageRunRecord& run = v.run(m.first_run + r);
        ASSERT_GE(run.start, m.start);
        ASSERT_TRUE(within(run.start, run.size, m.end));
        ASSERT_TRUE(within(run.pages_offset, run.size, pages_size));
      }
    }
  }
  EXPECT_NE(sum, ~uint64_t{0});  // keeps the reads
}

TEST(InfoFormatRobustness, EverySingleByteChangeIsRefused) {
  const std::vector<uint8_t> good = serialize(make_snapshot());
  const size_t n = good.size();
  auto buf = exact_copy(good.data(), n);
  {
    InfoView view;
    InfoError error;
    ASSERT_TRUE(view.open(buf.get(), n, kPagesSize, &error)) << error.what;
  }
  // All bits flipped, then each single bit: the checksums leave no byte
  // (padding included) that could change unnoticed.
  const uint8_t masks[] = {0xff, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80};
  for (uint8_t mask : masks) {
    for (size_t off = 0; off < n; ++off) {
      buf[off] ^= mask;
      InfoView view;
      InfoError error;
      bool ok = view.open(buf.get(), n, kPagesSize, &error);
      buf[off] ^= mask;
      ASSERT_FALSE(ok) << "offset " << off << " mask " << int(mask) << " accepted";
      const char* expected = off < 8                                ? "bad magic"
                             : off < 12                             ? "recorded by format "
                             : off < sizeof(Header)                 ? "header checksum mismatch"
                                                                    : "checksum mismatch in the info file body";
      ASSERT_NE(std::strstr(error.what, expected), nullptr)
          << "offset " << off << " mask " << int(mask) << ": " << error.what;
    }
  }
}

TEST(InfoFormatRobustness, EveryTruncationIsRefused) {
  const std::vector<uint8_t> good = serialize(make_snapshot());
  for (size_t len = 0; len < good.size(); ++len) {
    ASSERT_TRUE(refused(good.data(), len, len < sizeof(Header) ? "file too short" : "truncated"))
        << "length " << len;
  }
}

TEST(InfoFormatRobustness, RandomGarbageIsRefused) {
  std::mt19937_64 rng(20240611);
  const std::vector<uint8_t> good = serialize(make_snapshot());
  std::vector<size_t> sizes = {0, 1, 7, 8, 263, 264, 265, 272, 4096, good.size(), 65536};
  for (int i = 0; i < 300; ++i) sizes.push_back(rng() % 20000);
  for (size_t size : sizes) {
    std::vector<uint8_t> b(size);
    for (auto& byte : b) byte = static_cast<uint8_t>(rng());
    EXPECT_TRUE(refused(b, "")) << "size " << size;
    if (size < sizeof(Header)) continue;
    // Garbage past the magic and version, then with a valid header checksum
    // and sizes, so the section table and body checks see garbage too.
    std::memcpy(b.data(), good.data(), 12);
    EXPECT_TRUE(refused(b, "header checksum mismatch")) << "size " << size;
    b = with_header(b, [size](Header& h) {
      h.arch = kArchX86_64;
      h.header_size = sizeof(Header);
      h.info_size = size;
      h.pages_size = kPagesSize;
    });
    EXPECT_TRUE(refused(b, "")) << "size " << size;
  }
}

TEST(InfoFormatRobustness, ResealedMutationsNeverBreakThePromises) {
  // Random changes to the section table and body with both checksums
  // recomputed: open() may accept (a changed register is still a snapshot)
  // but whatever it accepts must keep every promise of the view.
  std::mt19937_64 rng(7);
  const std::vector<uint8_t> good = serialize(make_snapshot());
  const uint64_t interesting[] = {0, 1, 0x7f, 0x80, 0xff};
  int accepted = 0;
  const int kIterations = 20000;
  for (int i = 0; i < kIterations; ++i) {
    std::vector<uint8_t> b = good;
    int changes = 1 + rng() % 4;
    for (int c = 0; c < changes; ++c) {
      size_t off = rng() % 4 == 0 ? offsetof(Header, sections) + rng() % (kSectionCount * sizeof(SectionRef))
                                  : sizeof(Header) + rng() % (b.size() - sizeof(Header));
      uint8_t value = rng() % 2 ? static_cast<uint8_t>(rng()) : static_cast<uint8_t>(interesting[rng() % 5]);
      b[off] = rng() % 3 == 0 ? static_cast<uint8_t>(b[off] + (rng() % 2 ? 1 : -1)) : value;
    }
    reseal(b);
    auto copy = exact_copy(b.data(), b.size());
    InfoView view;
    InfoError error;
    if (view.open(copy.get(), b.size(), kPagesSize, &error)) {
      ++accepted;
      check_promises(view, copy.get(), b.size());
      if (HasFatalFailure()) {
        ADD_FAILURE() << "iteration " << i;
        return;
      }
    } else {
      ASSERT_NE(error.what, nullptr);
    }
  }
  // Both outcomes must have been exercised for the test to mean anything.
  EXPECT_GT(accepted, 0);
  EXPECT_LT(accepted, kIterations);
}

// A learned set is bound to the pages it was trained against: one whose
// learned_pages_id is not the header's pages_id is refused, checksums fixed.
TEST(InfoFormatLearned, StaleLearnedSetIsRefused) {
  Snapshot s = make_snapshot();
  s.pages_id = 7;
  s.training_runs = 1;
  s.learned = {{kHeap, kLearnedWrite, 0, 1}};
  std::vector<uint8_t> good = serialize(s);
  InfoView view;
  InfoError error;
  ASSERT_TRUE(view.open(good.data(), good.size(), kPagesSize, &error)) << error.what;
  EXPECT_EQ(view.header().learned_pages_id, 7u);
  std::vector<uint8_t> stale = with_header(good, [](Header& h) { h.learned_pages_id ^= 1; });
  EXPECT_FALSE(view.open(stale.data(), stale.size(), kPagesSize, &error));
  EXPECT_STREQ(error.what, "learned set recorded against other pages (NAME.pages changed since learning)");
  std::vector<uint8_t> none = with_header(good, [](Header& h) { h.training_runs = 0; });
  EXPECT_FALSE(view.open(none.data(), none.size(), kPagesSize, &error));
  EXPECT_STREQ(error.what, "learned set without training runs");
}

}  // namespace
}  // namespace snappy

