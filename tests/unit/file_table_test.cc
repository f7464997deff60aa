#include "ptracer/file_table.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace snappy {
namespace {

class FileTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/file_table_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write_file(const std::string& name, const std::vector<char>& content) {
    std::string path = dir_ + "/" + name;
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    ::close(fd);
    return path;
  }

  std::string dir_;
  Snapshot snapshot_;
};

std::string blob_string(const Snapshot& s, format::BlobRef ref) {
  return std::string(reinterpret_cast<const char*>(s.blob.data() + ref.offset));
}

TEST_F(FileTableTest, InternTwiceGivesSameIndexAndRecordsIdentity) {
  // Larger than the 1 MiB read chunk and not a multiple of it, so the
  // streaming hash crosses chunk boundaries.
  std::vector<char> content((3 << 20) + 123);
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 2654435761u >> 13);
  std::string a = write_file("a", content);
  std::string b = write_file("b", {'x', 'y'});

  FileTable files(snapshot_);
  uint32_t ia = files.intern(a);
  uint32_t ib = files.intern(b);
  EXPECT_NE(ia, ib);
  EXPECT_EQ(files.intern(a), ia);
  EXPECT_EQ(snapshot_.files.size(), 2u);

  struct stat st;
  ASSERT_EQ(::stat(a.c_str(), &st), 0);
  const format::FileRecord& r = snapshot_.files[ia];
  EXPECT_EQ(blob_string(snapshot_, r.path), a);
  EXPECT_EQ(r.dev, static_cast<uint64_t>(st.st_dev));
  EXPECT_EQ(r.ino, static_cast<uint64_t>(st.st_ino));
  EXPECT_EQ(r.size, content.size());
  EXPECT_EQ(r.mode, st.st_mode);
  EXPECT_EQ(r.mtime_ns, static_cast<uint64_t>(st.st_mtim.tv_sec) * 1000000000ull +
                            static_cast<uint64_t>(st.st_mtim.tv_nsec));
  EXPECT_EQ(r.ctime_ns, static_cast<uint64_t>(st.st_ctim.tv_sec) * 1000000000ull +
                            static_cast<uint64_t>(st.st_ctim.tv_nsec));
  EXPECT_EQ(r.flags, format::kFileContentHashed);
  EXPECT_EQ(r.content_hash, XXH3_64bits(content.data(), content.size()));
  EXPECT_EQ(snapshot_.files[ib].content_hash, XXH3_64bits("xy", 2));
}

TEST_F(FileTableTest, ExpectedIdentityMustMatch) {
  std::string a = write_file("a", {'1'});
  struct stat st;
  ASSERT_EQ(::stat(a.c_str(), &st), 0);

  FileTable files(snapshot_);
  EXPECT_THROW(files.intern(a, st.st_dev + 1, st.st_ino), std::runtime_error);
  EXPECT_THROW(files.intern(a, st.st_dev, st.st_ino + 1), std::runtime_error);
  EXPECT_TRUE(snapshot_.files.empty());
  uint32_t i = files.intern(a, st.st_dev, st.st_ino);
  // Already interned: a different expectation for the same path still fails.
  EXPECT_THROW(files.intern(a, st.st_dev, st.st_ino + 1), std::runtime_error);
  EXPECT_EQ(files.intern(a, st.st_dev, st.st_ino), i);
}

TEST_F(FileTableTest, RefusesMissingAndNonRegularFiles) {
  FileTable files(snapshot_);
  try {
    files.intern(dir_ + "/missing");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(dir_ + "/missing: "), std::string::npos) << e.what();
  }
  EXPECT_THROW(files.intern("/dev/null"), std::runtime_error);  // mapped: regular files only
  EXPECT_THROW(files.intern(dir_), std::runtime_error);
  std::string fifo = dir_ + "/fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_THROW(files.intern_open(fifo), std::runtime_error);
  EXPECT_THROW(files.intern_open("/dev/tty"), std::runtime_error);
  EXPECT_TRUE(snapshot_.files.empty());
}

TEST_F(FileTableTest, OpenStatelessDevicesAreKnownByIdentity) {
  FileTable files(snapshot_);
  const format::FileRecord& f = snapshot_.files.at(files.intern_open("/dev/urandom"));
  EXPECT_TRUE(S_ISCHR(f.mode));
  EXPECT_EQ(f.flags & format::kFileContentHashed, 0u);
}

TEST_F(FileTableTest, DirectoriesAreKnownByIdentityOnly) {
  FileTable files(snapshot_);
  uint32_t i = files.intern_open(dir_);
  struct stat st;
  ASSERT_EQ(stat(dir_.c_str(), &st), 0);
  const format::FileRecord& f = snapshot_.files.at(i);
  EXPECT_EQ(f.dev, static_cast<uint64_t>(st.st_dev));
  EXPECT_EQ(f.ino, static_cast<uint64_t>(st.st_ino));
  EXPECT_TRUE(S_ISDIR(f.mode));
  EXPECT_EQ(f.flags & format::kFileContentHashed, 0u);
}

}  // namespace
}  // namespace snappy
