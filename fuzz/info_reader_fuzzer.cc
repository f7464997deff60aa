// libFuzzer target for the NAME.info parser shared by restore (freestanding),
// snapinfo and snapfs: common/info_reader.{h,cc}, InfoView::open.
//
// The input is a NAME.info file (the seed corpus, fuzz/corpus/info, holds
// real ones recorded by ptracer). Each input is opened three ways:
//   1. as is, against a pages file of the size its header names (or 64 KiB
//      for inputs too short for a header): exercises the magic, version,
//      size and checksum checks, which almost every mutation trips;
//   2. with info_size and both checksums recomputed, so a mutation reaches
//      the structural checks behind them (sections, processes, mappings,
//      runs, strings, blobs);
//   3. like 2, but with the header's pages_size forced to a small 64 KiB
//      pages file, so mappings and runs that point into NAME.pages are
//      refused or accepted against a tight bound.
// Whenever open() accepts, everything it promises is touched: every record
// of every section, every string (which must end in NUL inside the blob),
// every blob byte, every index a record holds. ASan and UBSan flag a read
// outside the buffer; FUZZ_CHECK aborts on a broken promise.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memory>

#include "common/info_reader.h"
#include "fuzz/fuzz_util.h"

using namespace snappy;
using namespace snappy::format;

namespace {

constexpr uint64_t kSmallPages = 64 << 10;

volatile uint64_t g_sink;

// [offset, offset + n) inside [0, limit), without overflow.
bool within(uint64_t offset, uint64_t n, uint64_t limit) { return offset <= limit && n <= limit - offset; }

struct Toucher {
  const InfoView& v;
  const uint8_t* data;
  uint64_t size;
  uint64_t sum = 0;

  bool inside(const void* p, uint64_t n) const {
    auto* b = static_cast<const uint8_t*>(p);
    return b >= data && b <= data + size && n <= uint64_t(data + size - b);
  }
  void blob(const BlobRef& ref) {
    FUZZ_CHECK(inside(v.blob(ref), ref.size));
    const uint8_t* b = v.blob(ref);
    for (uint64_t i = 0; i < ref.size; ++i) sum += b[i];
  }
  void string(const BlobRef& ref) {
    blob(ref);
    FUZZ_CHECK(ref.size > 0);
    FUZZ_CHECK(v.blob(ref)[ref.size - 1] == 0);
    sum += strlen(v.string(ref));  // stops at the NUL inside the blob
  }
  template <typename T>
  void record(const T& r) {
    FUZZ_CHECK(inside(&r, sizeof r));
    const auto* b = reinterpret_cast<const uint8_t*>(&r);
    for (size_t i = 0; i < sizeof r; ++i) sum += b[i];
  }
};

void check_promises(const InfoView& v, const uint8_t* data, uint64_t size) {
  Toucher t{v, data, size};
  const Header& h = v.header();
  const uint64_t pages_size = h.pages_size;
  FUZZ_CHECK(h.info_size == size);
  for (uint32_t s = 0; s < kSectionCount; ++s) {
    const SectionRef& ref = h.sections[s];
    FUZZ_CHECK(ref.record_size == kRecordSize[s]);
    FUZZ_CHECK(t.inside(data + ref.offset, uint64_t(ref.count) * ref.record_size));
  }
  // Every record of every section, whether or not a process claims it.
  for (uint32_t i = 0; i < v.count(kProcesses); ++i) t.record(v.process(i));
  for (uint32_t i = 0; i < v.count(kThreads); ++i) {
    const ThreadRecord& th = v.thread(i);
    t.record(th);
    t.blob(th.xsave);
    FUZZ_CHECK(th.xsave.size >= 576 && th.xsave.size <= kMaxXsaveSize);
  }
  for (uint32_t i = 0; i < v.count(kMappings); ++i) t.record(v.mapping(i));
  for (uint32_t i = 0; i < v.count(kPageRuns); ++i) {
    const PageRunRecord& r = v.run(i);
    t.record(r);
    FUZZ_CHECK(r.size > 0 && r.size % kPageSize == 0 && r.start % kPageSize == 0);
    FUZZ_CHECK(r.pages_offset % kPageSize == 0);
    FUZZ_CHECK(within(r.pages_offset, r.size, pages_size));
  }
  // The learned set: what restore's prefault.cc relies on.
  for (uint32_t i = 0; i < v.count(kLearnedRuns); ++i) {
    const LearnedRunRecord& r = v.learned(i);
    t.record(r);
    FUZZ_CHECK(h.training_runs != 0 && h.learned_pages_id == h.pages_id);
    FUZZ_CHECK(r.mapping < v.count(kMappings) && r.page_count > 0);
    const MappingRecord& m = v.mapping(r.mapping);
    FUZZ_CHECK(within(r.first_page * kPageSize, r.page_count * kPageSize, m.end - m.start));
    FUZZ_CHECK(r.kind != kLearnedWrite || (m.prot & 2));
  }
  for (uint32_t i = 0; i < v.count(kFiles); ++i) {
    t.record(v.file(i));
    t.string(v.file(i).path);
  }
  for (uint32_t i = 0; i < v.count(kFds); ++i) {
    const FdRecord& f = v.fd(i);
    t.record(f);
    FUZZ_CHECK(f.fd >= 0 && f.kind <= kFdUnixSocket);
    if (f.kind == kFdFile) {
      FUZZ_CHECK(f.file_index < v.count(kFiles));
      t.string(v.file(f.file_index).path);
    }
  }
  for (uint32_t i = 0; i < v.count(kSigactions); ++i) {
    const SigactionRecord& s = v.sigaction(i);
    t.record(s);
    FUZZ_CHECK(s.signo >= 1 && s.signo <= 64 && s.signo != 9 && s.signo != 19);
  }
  for (uint32_t i = 0; i < v.count(kOutputs); ++i) {
    const OutputRecord& o = v.output(i);
    t.record(o);
    t.blob(o.data);
    FUZZ_CHECK(o.fd == 1 || o.fd == 2);
  }
  for (uint32_t i = 0; i < v.count(kTimers); ++i) t.record(v.timer(i));
  // The blob section itself.
  t.blob(BlobRef{0, h.sections[kBlob].count});

  FUZZ_CHECK(v.count(kProcesses) > 0);
  for (uint32_t pi = 0; pi < v.count(kProcesses); ++pi) {
    const ProcessRecord& p = v.process(pi);
    t.string(p.exe);
    t.string(p.cwd);
    t.string(p.kernel_release);
    t.blob(p.argv);
    t.blob(p.envp);
    t.blob(p.auxv);
    FUZZ_CHECK(p.auxv.size % 16 == 0);
    if (p.argv.size) FUZZ_CHECK(v.blob(p.argv)[p.argv.size - 1] == 0);
    if (p.envp.size) FUZZ_CHECK(v.blob(p.envp)[p.envp.size - 1] == 0);
    FUZZ_CHECK(p.trigger.kind <= kTriggerI386);
    FUZZ_CHECK(p.thread_count > 0 && p.trigger.thread < p.thread_count);
    FUZZ_CHECK(within(p.first_thread, p.thread_count, v.count(kThreads)));
    FUZZ_CHECK(within(p.first_mapping, p.mapping_count, v.count(kMappings)));
    FUZZ_CHECK(within(p.first_fd, p.fd_count, v.count(kFds)));
    FUZZ_CHECK(within(p.first_sigaction, p.sigaction_count, v.count(kSigactions)));
    FUZZ_CHECK(within(p.first_output, p.output_count, v.count(kOutputs)));
    for (uint32_t i = 0; i < p.thread_count; ++i) t.blob(v.thread(p.first_thread + i).xsave);
    t.blob(v.thread(p.first_thread + p.trigger.thread).xsave);
    for (uint32_t i = 0; i < p.fd_count; ++i) t.record(v.fd(p.first_fd + i));
    for (uint32_t i = 0; i < p.sigaction_count; ++i) t.record(v.sigaction(p.first_sigaction + i));
    for (uint32_t i = 0; i < p.output_count; ++i) t.blob(v.output(p.first_output + i).data);
    FUZZ_CHECK(within(p.first_timer, p.timer_count, v.count(kTimers)) && p.timer_count <= kMaxTimers);
    for (uint32_t i = 0; i < p.timer_count; ++i) {
      const TimerRecord& tm = v.timer(p.first_timer + i);
      FUZZ_CHECK(tm.id >= 0 && tm.id < p.next_timer_id && is_timer_clock(tm.clock));
      FUZZ_CHECK(i == 0 || v.timer(p.first_timer + i - 1).id < tm.id);
      if (tm.notify == (kSigevThreadId | kSigevSignal)) FUZZ_CHECK(tm.thread < p.thread_count);
      if (tm.notify != kSigevNone) FUZZ_CHECK(tm.signo >= 1 && tm.signo <= 64);
    }
    uint64_t previous_end = 0;
    for (uint32_t mi = 0; mi < p.mapping_count; ++mi) {
      const MappingRecord& m = v.mapping(p.first_mapping + mi);
      FUZZ_CHECK(m.start < m.end);
      FUZZ_CHECK(m.start % kPageSize == 0 && m.end % kPageSize == 0);
      FUZZ_CHECK(m.start >= previous_end);
      FUZZ_CHECK(m.end <= kUserAddressEnd);
      FUZZ_CHECK(m.end <= kWindowStart || m.start >= kWindowEnd);
      FUZZ_CHECK((m.prot & ~7u) == 0);
      FUZZ_CHECK(m.base <= uint32_t{kBaseVdso});
      previous_end = m.end;
      if (m.name.size != 0) t.string(m.name);
      if (m.base == kBaseFile) {
        FUZZ_CHECK(m.file_index < v.count(kFiles));
        FUZZ_CHECK(m.file_offset % kPageSize == 0);
        FUZZ_CHECK((v.file(m.file_index).mode & 0170000) == 0100000);
        t.string(v.file(m.file_index).path);
      }
      if (m.base == kBasePages) {
        FUZZ_CHECK(m.pages_offset % kPageSize == 0);
        FUZZ_CHECK(within(m.pages_offset, m.end - m.start, pages_size));
      }
      if (m.base == kBaseVvar || m.base == kBaseVdso) FUZZ_CHECK(m.run_count == 0);
      FUZZ_CHECK(within(m.first_run, m.run_count, v.count(kPageRuns)));
      uint64_t floor = m.start;
      for (uint32_t r = 0; r < m.run_count; ++r) {
        const PageRunRecord& run = v.run(m.first_run + r);
        t.record(run);
        FUZZ_CHECK(run.start >= floor);
        FUZZ_CHECK(within(run.start, run.size, m.end));
        FUZZ_CHECK(within(run.pages_offset, run.size, pages_size));
        if (m.base == kBasePages) FUZZ_CHECK(run.pages_offset == m.pages_offset + (run.start - m.start));
        floor = run.start + run.size;
      }
    }
  }
  g_sink = t.sum;
}

// Opens `size` bytes (an exact-size heap buffer, so ASan sees any read past
// the end) and checks the promises when open() accepts.
void open_and_check(const uint8_t* data, size_t size, uint64_t pages_size) {
  InfoView view;
  InfoError error;
  if (view.open(data, size, pages_size, &error)) {
    check_promises(view, data, size);
  } else {
    FUZZ_CHECK(error.what != nullptr && error.what[0] != '\0');
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // 1. As is (libFuzzer's buffer is an exact-size heap copy).
  uint64_t pages = size >= sizeof(Header) ? fuzz::header_pages_size(data, size) : kSmallPages;
  open_and_check(data, size, pages);
  if (size < sizeof(Header)) return 0;

  // 2. Checksums (and info_size) made consistent.
  std::unique_ptr<uint8_t[]> copy(new uint8_t[size]);
  memcpy(copy.get(), data, size);
  fuzz::fix_checksums(copy.get(), size, /*fix_info_size=*/true);
  open_and_check(copy.get(), size, pages);

  // 3. The same against a small 64 KiB pages file.
  memcpy(copy.get(), data, size);
  fuzz::set_header_pages_size(copy.get(), size, kSmallPages);
  fuzz::fix_checksums(copy.get(), size, /*fix_info_size=*/true);
  open_and_check(copy.get(), size, kSmallPages);
  return 0;
}
