#include "ptracer/proc_maps.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace snappy {
namespace {

// Lines as this machine's kernel (6.18) prints them, padding included.
constexpr std::string_view kMaps =
    "55d4453b1000-55d4453d2000 rw-p 00000000 00:00 0                          [heap]\n"
    "7f1b86c18000-7f1b86c1b000 rw-p 00000000 00:00 0 \n"
    "7f1b86c1b000-7f1b86c41000 r--p 00000000 fe:01 1837731                    /usr/lib/x86_64-linux-gnu/libc.so.6\n"
    "7f1b86c41000-7f1b86d96000 r-xp 00026000 fe:01 1837731                    /usr/lib/x86_64-linux-gnu/libc.so.6\n"
    "7f1b86e07000-7f1b86e08000 rw-s 00001000 00:01 1025                       /dev/zero (deleted)\n"
    "7f1b86e08000-7f1b86e09000 r--p 00000000 103:02 42                        /tmp/my dir/a file  with spaces\n"
    "7f1b86e09000-7f1b86e0a000 r--p 00002000 103:02 43                        /tmp/gone (deleted)\n"
    "7f1b86e0a000-7f1b86e0e000 r--p 00000000 00:00 0                          [vvar]\n"
    "7f1b86e0e000-7f1b86e10000 r--p 00000000 00:00 0                          [vvar_vclock]\n"
    "7f1b86e10000-7f1b86e12000 r-xp 00000000 00:00 0                          [vdso]\n"
    "7f1b86e12000-7f1b86e13000 rw-p 00000000 00:00 0                          [anon:glibc: malloc]\n"
    "7f1b86e13000-7f1b86e14000 r--p 00000000 103:02 44                        /tmp/new\\012line\n"
    "7ffe19813000-7ffe19834000 rw-p 00000000 00:00 0                          [stack]\n"
    "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n"
    "7f1b86e14000-7f1b86e15000 ---p 00000000 00:00 0\n";

TEST(ProcMaps, ParsesEveryKind) {
  std::vector<ProcMapsEntry> e = parse_proc_maps(kMaps);
  ASSERT_EQ(e.size(), 15u);

  EXPECT_EQ(e[0].start, 0x55d4453b1000u);
  EXPECT_EQ(e[0].end, 0x55d4453d2000u);
  EXPECT_EQ(e[0].path, "[heap]");
  EXPECT_TRUE(e[0].is_special());
  EXPECT_FALSE(e[0].is_file());
  EXPECT_EQ(e[0].prot(), PROT_READ | PROT_WRITE);

  EXPECT_EQ(e[1].path, "");  // anonymous, trailing space
  EXPECT_FALSE(e[1].is_file());
  EXPECT_FALSE(e[1].is_special());

  EXPECT_EQ(e[3].path, "/usr/lib/x86_64-linux-gnu/libc.so.6");
  EXPECT_EQ(e[3].offset, 0x26000u);
  EXPECT_EQ(e[3].dev_major, 0xfeu);
  EXPECT_EQ(e[3].dev_minor, 1u);
  EXPECT_EQ(e[3].inode, 1837731u);
  EXPECT_EQ(e[3].prot(), PROT_READ | PROT_EXEC);
  EXPECT_FALSE(e[3].shared);
  EXPECT_TRUE(e[3].is_file());

  EXPECT_TRUE(e[4].shared);
  EXPECT_EQ(e[4].path, "/dev/zero (deleted)");
  EXPECT_EQ(e[4].offset, 0x1000u);

  EXPECT_EQ(e[5].path, "/tmp/my dir/a file  with spaces");
  EXPECT_EQ(e[5].dev_major, 0x103u);
  EXPECT_EQ(e[6].path, "/tmp/gone (deleted)");
  EXPECT_EQ(e[8].path, "[vvar_vclock]");
  EXPECT_EQ(e[9].path, "[vdso]");
  EXPECT_TRUE(e[9].is_special());
  EXPECT_EQ(e[10].path, "[anon:glibc: malloc]");
  EXPECT_EQ(e[11].path, "/tmp/new\nline");
  EXPECT_EQ(e[12].path, "[stack]");
  EXPECT_EQ(e[13].start, 0xffffffffff600000u);
  EXPECT_EQ(e[13].prot(), PROT_EXEC);
  EXPECT_EQ(e[14].prot(), PROT_NONE);
  EXPECT_EQ(e[14].path, "");
}

TEST(ProcMaps, EmptyAndTrailingNewlines) {
  EXPECT_TRUE(parse_proc_maps("").empty());
  EXPECT_EQ(parse_proc_maps("1000-2000 r--p 00000000 00:00 0").size(), 1u);
}

TEST(ProcMaps, RejectsGarbage) {
  for (std::string_view bad : {"hello\n", "1000-2000 r--q 00000000 00:00 0\n",
                               "2000-1000 r--p 00000000 00:00 0\n",
                               "1000-2000 r--p 00000000 00:00\n",
                               "1000-2000 r--p 00000000 00:00 0x\n",
                               "1000 r--p 00000000 00:00 0\n"}) {
    EXPECT_THROW(parse_proc_maps(bad), std::runtime_error) << bad;
  }
  try {
    parse_proc_maps("1000-2000 r--p 00000000 00:00 0\nbad line\n");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
}

TEST(ProcMaps, TakesTheDeletedSuffixAsTheKernelsMark) {
  std::vector<ProcMapsEntry> e = parse_proc_maps(kMaps);
  EXPECT_TRUE(e[6].deleted);
  EXPECT_EQ(e[6].file_name(), "/tmp/gone");
  EXPECT_FALSE(e[5].deleted);
  EXPECT_EQ(e[5].file_name(), "/tmp/my dir/a file  with spaces");
  EXPECT_FALSE(e[0].deleted);  // [heap]: not a file
}

// A file really named "data (deleted)" and a file unlinked while mapped read
// alike in /proc/PID/maps; read_proc_maps looks each up.
TEST(ProcMaps, ReadsARealDeletedSuffixAsPartOfTheName) {
  char dir_template[] = "/tmp/proc_maps_test.XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  std::string dir = dir_template, named = dir + "/data (deleted)", gone = dir + "/gone";
  auto map_file = [](const std::string& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
    EXPECT_GE(fd, 0) << path;
    EXPECT_EQ(::write(fd, "x", 1), 1);
    void* p = mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    return reinterpret_cast<uint64_t>(p);
  };
  uint64_t named_at = map_file(named), gone_at = map_file(gone);
  ASSERT_EQ(::unlink(gone.c_str()), 0);
  int found = 0;
  for (const ProcMapsEntry& e : read_proc_maps(getpid())) {
    if (e.start == named_at) {
      ++found;
      EXPECT_EQ(e.path, named);
      EXPECT_FALSE(e.deleted);
      EXPECT_EQ(e.file_name(), named);
    } else if (e.start == gone_at) {
      ++found;
      EXPECT_EQ(e.path, gone + " (deleted)");
      EXPECT_TRUE(e.deleted);
      EXPECT_EQ(e.file_name(), gone);
    }
  }
  EXPECT_EQ(found, 2);
  // The same name for another inode is still the kernel's mark.
  struct stat st;
  ASSERT_EQ(::stat(named.c_str(), &st), 0);
  EXPECT_FALSE(names_unlinked_file(named, st.st_dev, st.st_ino));
  EXPECT_TRUE(names_unlinked_file(named, st.st_dev, st.st_ino + 1));
  EXPECT_FALSE(names_unlinked_file(dir, st.st_dev, st.st_ino + 1));  // no suffix
  munmap(reinterpret_cast<void*>(named_at), 4096);
  munmap(reinterpret_cast<void*>(gone_at), 4096);
  ::unlink(named.c_str());
  ::rmdir(dir.c_str());
}

TEST(ProcMaps, ReadsOwnMaps) {
  std::vector<ProcMapsEntry> e = read_proc_maps(getpid());
  ASSERT_FALSE(e.empty());
  bool stack = false;
  auto here = reinterpret_cast<uint64_t>(&stack);
  bool found_here = false;
  for (size_t i = 0; i < e.size(); ++i) {
    stack |= e[i].path == "[stack]";
    found_here |= e[i].start <= here && here < e[i].end;
    if (i) {
      EXPECT_LE(e[i - 1].end, e[i].start);
    }
  }
  EXPECT_TRUE(stack);
  EXPECT_TRUE(found_here);
  EXPECT_THROW(read_proc_maps(-5), std::system_error);
}

}  // namespace
}  // namespace snappy
