// InfoView::open() under arbitrary damage: every single-byte change and
// every truncation refused, random garbage refused, and whatever resealed
// mutation it accepts keeps every promise the view makes (each byte it
// points at is inside the buffer). Plus the learned set's binding to its
// pages.
#include "tests/unit/info_format_fixture.h"

#include <random>

namespace snappy {
namespace {

using namespace format;
using namespace info_fixture;

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
