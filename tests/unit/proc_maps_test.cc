#include "ptracer/proc_maps.h"

#include <sys/mman.h>
#include <unistd.h>

#include <stdexcept>

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
