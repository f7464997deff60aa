// The snapshot format end to end, the good path: the header and record
// sizes the format table promises, and what serialize_info() writes read
// back unchanged through InfoView (every record and blob, several
// processes, the smallest snapshot).
#include "tests/unit/info_format_fixture.h"

namespace snappy {
namespace {

using namespace format;
using namespace info_fixture;

// ---------------------------------------------------------------- layout

TEST(InfoFormatLayout, HeaderIs304BytesAndRecordSizesMatchTheTable) {
  EXPECT_EQ(kVersion, 8u);
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

}  // namespace
}  // namespace snappy
