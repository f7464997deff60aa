// AtomicFile: nothing under the final name until renamed, no temporary file
// left by a failure, and a pair renamed so that a failing second rename puts
// the first file's previous content back; no name in the directory while
// written, mode 0600, a symlink at the final name replaced (not followed),
// a FIFO there refused.
#include "common/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace snappy {
namespace {

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/atomic_file_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  static std::string read(const std::string& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static void write(const std::string& p, const std::string& text) { std::ofstream(p) << text; }
  static bool exists(const std::string& p) { return ::access(p.c_str(), F_OK) == 0; }
  // How many names dir_ holds (a temporary file left behind is one more).
  int entries() const {
    int n = 0;
    std::string cmd = "ls -A " + dir_ + " | wc -l";
    FILE* f = popen(cmd.c_str(), "r");
    if (f) {
      if (fscanf(f, "%d", &n) != 1) n = -1;
      pclose(f);
    }
    return n;
  }

  std::string dir_;
};

TEST_F(AtomicFileTest, AbandonedLeavesNothing) {
  write(path("x"), "previous");
  {
    AtomicFile f(path("x"));
    f.pwrite_all("new", 3, 0);
    f.sync();
  }
  EXPECT_EQ(read(path("x")), "previous");
  EXPECT_EQ(entries(), 1);
}

TEST_F(AtomicFileTest, WriteErrorNamesTheFinalPath) {
  AtomicFile f(path("x"));
  ::close(f.fd());  // every write now fails (EBADF)
  try {
    f.pwrite_all("new", 3, 0);
    FAIL() << "no WriteError";
  } catch (const WriteError& e) {
    EXPECT_NE(std::string(e.what()).find("writing " + path("x") + ": "), std::string::npos) << e.what();
  }
}

TEST_F(AtomicFileTest, PairRenamed) {
  write(path("a"), "old a");
  write(path("b"), "old b");
  AtomicFile a(path("a")), b(path("b"));
  a.pwrite_all("new a", 5, 0);
  b.pwrite_all("new b", 5, 0);
  AtomicFile::rename_pair_into_place(a, b);
  EXPECT_EQ(read(path("a")), "new a");
  EXPECT_EQ(read(path("b")), "new b");
  EXPECT_EQ(entries(), 2);
}

TEST_F(AtomicFileTest, FailedSecondRenamePutsTheFirstBack) {
  write(path("a"), "old a");
  ASSERT_EQ(::mkdir(path("b").c_str(), 0700), 0);  // a file cannot replace a directory
  write(path("b/inside"), "x");
  {
    AtomicFile a(path("a")), b(path("b"));
    a.pwrite_all("new a", 5, 0);
    b.pwrite_all("new b", 5, 0);
    EXPECT_THROW(AtomicFile::rename_pair_into_place(a, b), WriteError);
  }
  EXPECT_EQ(read(path("a")), "old a");
  EXPECT_EQ(entries(), 2);  // a and the directory b: no temporary file
}

TEST_F(AtomicFileTest, FailedSecondRenameWithoutPreviousRemovesTheFirst) {
  ASSERT_EQ(::mkdir(path("b").c_str(), 0700), 0);
  write(path("b/inside"), "x");
  {
    AtomicFile a(path("a")), b(path("b"));
    a.pwrite_all("new a", 5, 0);
    EXPECT_THROW(AtomicFile::rename_pair_into_place(a, b), WriteError);
  }
  EXPECT_FALSE(exists(path("a")));
  EXPECT_EQ(entries(), 1);
}

TEST_F(AtomicFileTest, PairReplacesBothWithoutLeavingTheOldOnes) {
  write(path("a"), "old a");
  write(path("b"), "old b");
  {
    AtomicFile a(path("a")), b(path("b"));
    a.pwrite_all("new a", 5, 0);
    b.pwrite_all("new b", 5, 0);
    AtomicFile::rename_pair_into_place(a, b);  // both exchanged, both replaced files unlinked
  }
  EXPECT_EQ(read(path("a")), "new a");
  EXPECT_EQ(read(path("b")), "new b");
  EXPECT_EQ(entries(), 2);
}

TEST_F(AtomicFileTest, DirectoryAtTheFirstNameIsNotExchanged) {
  ASSERT_EQ(::mkdir(path("a").c_str(), 0700), 0);  // RENAME_EXCHANGE would swap it with the file
  write(path("a/inside"), "x");
  {
    AtomicFile a(path("a")), b(path("b"));
    a.pwrite_all("new a", 5, 0);
    EXPECT_THROW(AtomicFile::rename_pair_into_place(a, b), WriteError);
  }
  EXPECT_EQ(read(path("a/inside")), "x");
  EXPECT_EQ(entries(), 1);  // the directory a, nothing else
}

TEST_F(AtomicFileTest, NoNameInTheDirectoryUntilRenamed) {
  AtomicFile f(path("x"));
  f.pwrite_all("new", 3, 0);
  f.sync();
  EXPECT_EQ(entries(), 0);  // unnamed (O_TMPFILE): nothing to plant at or open
  f.rename_into_place();
  EXPECT_EQ(read(path("x")), "new");
  EXPECT_EQ(entries(), 1);
}

TEST_F(AtomicFileTest, Mode0600WhateverTheUmask) {
  mode_t old = ::umask(0);
  {
    AtomicFile f(path("x"));
    f.rename_into_place();
  }
  ::umask(0277);
  {
    AtomicFile f(path("y"));
    f.rename_into_place();
  }
  ::umask(old);
  struct stat st;
  ASSERT_EQ(::stat(path("x").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ASSERT_EQ(::stat(path("y").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(AtomicFileTest, SymlinkAtTheFinalNameIsReplacedNotFollowed) {
  write(path("victim"), "victim");
  ASSERT_EQ(::symlink(path("victim").c_str(), path("x").c_str()), 0);
  AtomicFile f(path("x"));
  f.pwrite_all("new", 3, 0);
  f.rename_into_place();
  struct stat st;
  ASSERT_EQ(::lstat(path("x").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(read(path("x")), "new");
  EXPECT_EQ(read(path("victim")), "victim");
}

TEST_F(AtomicFileTest, FifoAtTheFinalNameIsRefused) {
  ASSERT_EQ(::mkfifo(path("x").c_str(), 0600), 0);
  try {
    AtomicFile f(path("x"));
    FAIL() << "no WriteError";
  } catch (const WriteError& e) {
    EXPECT_EQ(std::string(e.what()), "creating " + path("x") + ": a FIFO, not a regular file");
  }
  struct stat st;
  ASSERT_EQ(::lstat(path("x").c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(entries(), 1);
}

}  // namespace
}  // namespace snappy
