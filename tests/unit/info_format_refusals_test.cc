// InfoView::open() refuses every broken header field, file size and
// section table, and every broken record field, each with its own message
// (and the failing value), without reading outside the bytes it was given.
#include "tests/unit/info_format_fixture.h"

namespace snappy {
namespace {

using namespace format;
using namespace info_fixture;

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
  static_assert(kVersion == 8, "a layout change bumps the version: update this test (info_format_refusals_test.cc) and tests/tools/info_patch");
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
  b[offsetof(Header, version)] = 10;
  EXPECT_TRUE(refused(b, ("recorded by format 10, this build reads " + std::to_string(kVersion)).c_str()));

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

}  // namespace
}  // namespace snappy
