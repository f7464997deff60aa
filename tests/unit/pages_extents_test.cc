// common/pages_extents.h: the one data/hole walk of NAME.pages, over sparse
// files made here (holes at the start, end and middle, adjacent data,
// a partial last page), and its refusal of ranges and mappings it cannot
// walk. ext4, xfs, btrfs and tmpfs all report holes by the 4 KiB block.
#include "common/pages_extents.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace snappy {
namespace {

using format::kPageSize;

static_assert(sys::kSeekData == SEEK_DATA && sys::kSeekHole == SEEK_HOLE, "lseek whence values");
static_assert(sys::kEnxio == ENXIO, "ENXIO");

constexpr uint64_t P = kPageSize;

// A sparse file of `size` bytes whose pages `data_pages` hold a non-zero
// byte (the rest never written: holes).
class SparseFile {
 public:
  SparseFile(uint64_t size, const std::vector<uint64_t>& data_pages) {
    char tmpl[] = "/tmp/pages_extents_test.XXXXXX";
    fd_ = mkstemp(tmpl);
    path_ = tmpl;
    EXPECT_GE(fd_, 0);
    EXPECT_EQ(ftruncate(fd_, off_t(size)), 0);
    for (uint64_t page : data_pages) {
      char byte = 1;
      EXPECT_EQ(pwrite(fd_, &byte, 1, off_t(page * P + 7)), 1);
    }
    EXPECT_EQ(fsync(fd_), 0);
  }
  ~SparseFile() {
    close(fd_);
    unlink(path_.c_str());
  }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  std::string path_;
};

std::vector<PagesExtent> walk(int fd, uint64_t begin, uint64_t end, WalkResult expect = WalkResult::kDone) {
  std::vector<PagesExtent> out;
  EXPECT_EQ(for_each_pages_extent(fd, begin, end, [&](const PagesExtent& e) {
              out.push_back(e);
              return true;
            }),
            expect);
  return out;
}

void expect_extents(const std::vector<PagesExtent>& got, const std::vector<PagesExtent>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].offset, want[i].offset) << "extent " << i;
    EXPECT_EQ(got[i].size, want[i].size) << "extent " << i;
    EXPECT_EQ(got[i].data, want[i].data) << "extent " << i;
  }
}

TEST(PagesExtents, HolesAtStartMiddleAndEnd) {
  SparseFile f(10 * P, {2, 3, 6});
  expect_extents(walk(f.fd(), 0, 10 * P),
                 {{0, 2 * P, false}, {2 * P, 2 * P, true}, {4 * P, 2 * P, false}, {6 * P, P, true},
                  {7 * P, 3 * P, false}});
}

TEST(PagesExtents, AdjacentDataIsOneExtent) {
  SparseFile f(4 * P, {0, 1, 2, 3});
  expect_extents(walk(f.fd(), 0, 4 * P), {{0, 4 * P, true}});
}

TEST(PagesExtents, AllHole) {
  SparseFile f(4 * P, {});
  expect_extents(walk(f.fd(), 0, 4 * P), {{0, 4 * P, false}});
}

TEST(PagesExtents, ClippedToTheRangeWalked) {
  SparseFile f(10 * P, {2, 3, 6});
  expect_extents(walk(f.fd(), 3 * P, 7 * P), {{3 * P, P, true}, {4 * P, 2 * P, false}, {6 * P, P, true}});
  // Not page-aligned: clipped at both ends, never widened past the range.
  expect_extents(walk(f.fd(), 2 * P + 100, 3 * P + 5), {{2 * P + 100, P - 95, true}});
  EXPECT_TRUE(walk(f.fd(), 5 * P, 5 * P).empty());
}

// The one rounding (restore's): a data extent that ends inside a page (here
// the file's end) is widened to the whole page, as restore maps it, and the
// bytes past the file's end read as zero. The hosted copies once counted
// only the file system's extent.
TEST(PagesExtents, DataIsWidenedToWholePages) {
  SparseFile f(2 * P + 100, {2});
  expect_extents(walk(f.fd(), 0, 3 * P), {{0, 2 * P, false}, {2 * P, P, true}});
  expect_extents(walk(f.fd(), 0, 2 * P + 100), {{0, 2 * P, false}, {2 * P, 100, true}});
}

TEST(PagesExtents, PastTheFilesEndIsHole) {
  SparseFile f(2 * P, {1});
  expect_extents(walk(f.fd(), 0, 5 * P), {{0, P, false}, {P, P, true}, {2 * P, 3 * P, false}});
}

TEST(PagesExtents, CallbackStopsTheWalk) {
  SparseFile f(10 * P, {2, 6});
  int calls = 0;
  EXPECT_EQ(for_each_pages_extent(f.fd(), 0, 10 * P, [&](const PagesExtent& e) {
              ++calls;
              return !e.data;
            }),
            WalkResult::kStopped);
  EXPECT_EQ(calls, 2);
}

// An fd lseek cannot walk (a pipe: ESPIPE) is all data: read and checked
// rather than assumed zero.
TEST(PagesExtents, UnknownIsData) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  expect_extents(walk(p[0], 0, 3 * P), {{0, 3 * P, true}});
  close(p[0]);
  close(p[1]);
}

TEST(PagesExtents, BackwardsRangeRefused) {
  SparseFile f(4 * P, {1});
  EXPECT_TRUE(walk(f.fd(), 3 * P, P, WalkResult::kRefused).empty());
}

format::MappingRecord pages_mapping(uint64_t start, uint64_t end, uint64_t pages_offset) {
  format::MappingRecord m{};
  m.start = start;
  m.end = end;
  m.base = format::kBasePages;
  m.pages_offset = pages_offset;
  return m;
}

std::vector<MappingExtent> walk_mapping(int fd, const format::MappingRecord& m, WalkResult expect) {
  std::vector<MappingExtent> out;
  EXPECT_EQ(for_each_mapping_extent(fd, m, [&](const MappingExtent& e) {
              out.push_back(e);
              return true;
            }),
            expect);
  return out;
}

TEST(MappingExtents, AddressesAndPagesOffsets) {
  SparseFile f(10 * P, {3, 5});
  // Four pages at 0x10000 stored at pages 2..5 of the file.
  auto got = walk_mapping(f.fd(), pages_mapping(0x10000, 0x10000 + 4 * P, 2 * P), WalkResult::kDone);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].address, 0x10000u);
  EXPECT_FALSE(got[0].data);
  EXPECT_EQ(got[1].address, 0x10000 + P);
  EXPECT_EQ(got[1].pages_offset, 3 * P);
  EXPECT_EQ(got[1].size, P);
  EXPECT_TRUE(got[1].data);
  EXPECT_EQ(got[2].address, 0x10000 + 2 * P);
  EXPECT_FALSE(got[2].data);
  EXPECT_EQ(got[3].address, 0x10000 + 3 * P);
  EXPECT_EQ(got[3].pages_offset, 5 * P);
  EXPECT_TRUE(got[3].data);

  std::vector<MappingExtent> part;
  EXPECT_EQ(for_each_mapping_extent(f.fd(), pages_mapping(0x10000, 0x10000 + 4 * P, 2 * P), 0x10000 + P,
                                    0x10000 + 2 * P,
                                    [&](const MappingExtent& e) {
                                      part.push_back(e);
                                      return true;
                                    }),
            WalkResult::kDone);
  ASSERT_EQ(part.size(), 1u);
  EXPECT_TRUE(part[0].data);
}

TEST(MappingExtents, CorruptRecordsRefused) {
  SparseFile f(4 * P, {1});
  format::MappingRecord not_pages = pages_mapping(0x10000, 0x11000, 0);
  not_pages.base = format::kBaseZero;
  EXPECT_TRUE(walk_mapping(f.fd(), not_pages, WalkResult::kRefused).empty());
  EXPECT_TRUE(walk_mapping(f.fd(), pages_mapping(0x11000, 0x10000, 0), WalkResult::kRefused).empty());  // end < start
  EXPECT_TRUE(walk_mapping(f.fd(), pages_mapping(0x10000, 0x10000, 0), WalkResult::kRefused).empty());  // empty
  EXPECT_TRUE(walk_mapping(f.fd(), pages_mapping(0x10000, 0x11000, 100), WalkResult::kRefused).empty());
  EXPECT_TRUE(walk_mapping(f.fd(), pages_mapping(0x10010, 0x11000, 0), WalkResult::kRefused).empty());
  EXPECT_TRUE(walk_mapping(f.fd(), pages_mapping(0x10000, 0x12000, ~uint64_t{0} & ~(P - 1)),
                           WalkResult::kRefused)
                  .empty());  // its pages range wraps
  // A range outside the mapping.
  EXPECT_EQ(for_each_mapping_extent(f.fd(), pages_mapping(0x10000, 0x11000, 0), 0x10000, 0x12000,
                                    [](const MappingExtent&) { return true; }),
            WalkResult::kRefused);
}

}  // namespace
}  // namespace snappy
