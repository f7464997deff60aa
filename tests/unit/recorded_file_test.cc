// common/recorded_file.h and common/pages_binding.h: the checks restore and
// snapinfo share, on records and files made here.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "common/checksum.h"
#include "common/pages_binding.h"
#include "common/recorded_file.h"

namespace snappy {
namespace {

using namespace format;

FileRecord regular() {
  FileRecord f{};
  f.dev = 8, f.ino = 42, f.size = 100, f.mtime_ns = 5, f.ctime_ns = 6, f.mode = 0100644;
  return f;
}

TEST(RecordedFile, EachDifferenceNamed) {
  FileRecord f = regular();
  FileState same{8, 42, 0100644, 100, 5, 6};
  EXPECT_EQ(recorded_file_change(f, same), FileChange::kNone);
  FileState s = same;
  s.ino = 43;
  EXPECT_EQ(recorded_file_change(f, s), FileChange::kReplaced);
  s = same, s.dev = 9;
  EXPECT_EQ(recorded_file_change(f, s), FileChange::kReplaced);
  s = same, s.size = 101;
  EXPECT_EQ(recorded_file_change(f, s), FileChange::kSize);
  s = same, s.mtime_ns = 7;
  EXPECT_EQ(recorded_file_change(f, s), FileChange::kMtime);
  s = same, s.ctime_ns = 7;  // written in place, mtime set back
  EXPECT_EQ(recorded_file_change(f, s), FileChange::kCtime);
}

TEST(RecordedFile, IdentityOnlyForDirectoriesDevicesAndMayChange) {
  for (uint32_t mode : {0040755u, 0020666u}) {
    FileRecord f = regular();
    f.mode = mode;
    EXPECT_EQ(recorded_file_change(f, FileState{8, 42, mode, 4096, 1, 2}), FileChange::kNone);
    EXPECT_EQ(recorded_file_change(f, FileState{8, 41, mode, 4096, 1, 2}), FileChange::kReplaced);
  }
  FileRecord f = regular();
  f.flags = kFileMayChange;
  EXPECT_EQ(recorded_file_change(f, FileState{8, 42, 0100644, 1, 1, 1}), FileChange::kNone);
}

TEST(RecordedFile, OwnProcFileByTypeOnly) {
  FileRecord f{};
  f.flags = kFileOfProcess;
  f.mode = 0100444;
  EXPECT_EQ(recorded_file_change(f, FileState{3, 99, 0100444, 0, 1, 1}), FileChange::kNone);
  EXPECT_EQ(recorded_file_change(f, FileState{3, 99, 0040555, 0, 1, 1}), FileChange::kType);
}

class PagesFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pages_binding_test.XXXXXX";
    fd_ = mkstemp(tmpl);
    path_ = tmpl;
    ASSERT_GE(fd_, 0);
  }
  void TearDown() override {
    close(fd_);
    unlink(path_.c_str());
  }
  int fd_ = -1;
  std::string path_;
};

TEST_F(PagesFile, TrailerMatchesOnlyItsId) {
  PagesTrailer t = make_pages_trailer(0x1234);
  EXPECT_EQ(std::string(t.magic, 8), "SNAPPAGE");
  ASSERT_EQ(ftruncate(fd_, 2 * kPageSize), 0);
  ASSERT_EQ(pwrite(fd_, &t, sizeof(t), kPageSize), ssize_t(sizeof(t)));
  EXPECT_TRUE(pages_trailer_matches(fd_, 2 * kPageSize, 0x1234));
  EXPECT_FALSE(pages_trailer_matches(fd_, 2 * kPageSize, 0x1235));
  EXPECT_FALSE(pages_trailer_matches(fd_, kPageSize - 1, 0x1234));  // shorter than a page
  EXPECT_FALSE(pages_trailer_matches(fd_, 3 * kPageSize, 0x1234));  // where the trailer would be: nothing
  ASSERT_EQ(pwrite(fd_, "SNAPPAGX", 8, kPageSize), 8);
  EXPECT_FALSE(pages_trailer_matches(fd_, 2 * kPageSize, 0x1234));  // its magic
}

TEST_F(PagesFile, PairFromTwoRecordingsOnlyWithAnIntactBoundHeader) {
  PagesTrailer t = make_pages_trailer(7);
  ASSERT_EQ(ftruncate(fd_, kPageSize), 0);
  ASSERT_EQ(pwrite(fd_, &t, sizeof(t), 0), ssize_t(sizeof(t)));
  Header h{};
  std::memcpy(h.magic, kInfoMagic, sizeof(h.magic));
  h.pages_id = 8;  // another recording's pages
  h.header_checksum = checksum64(&h, offsetof(Header, header_checksum));
  EXPECT_TRUE(pair_from_two_recordings(&h, sizeof(h), fd_, kPageSize));
  EXPECT_FALSE(pair_from_two_recordings(&h, sizeof(h) - 1, fd_, kPageSize));  // cut: left to the full checks
  h.pages_id = 7;
  h.header_checksum = checksum64(&h, offsetof(Header, header_checksum));
  EXPECT_FALSE(pair_from_two_recordings(&h, sizeof(h), fd_, kPageSize));
  h.pages_id = 8;  // checksum now stale: damage, not a race
  EXPECT_FALSE(pair_from_two_recordings(&h, sizeof(h), fd_, kPageSize));
}

}  // namespace
}  // namespace snappy
