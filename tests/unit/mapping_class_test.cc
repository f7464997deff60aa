// classify (ptracer/proc_maps.h): the one mapping classifier of ptracer's
// capture and snap's, on lines as the kernel prints them.
#include <gtest/gtest.h>

#include <string>

#include "ptracer/proc_maps.h"

namespace snappy {
namespace {

MappingClass class_of(const std::string& line, bool hugetlb = false) {
  std::vector<ProcMapsEntry> e = parse_proc_maps(line);
  EXPECT_EQ(e.size(), 1u) << line;
  return classify(e.at(0), hugetlb);
}

TEST(MappingClass, EveryKindOfLine) {
  using C = MappingClass;
  EXPECT_EQ(class_of("ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]"), C::kOutside);
  // Restore's reserved window (common/snapshot_format.h), even in part.
  EXPECT_EQ(class_of("200000000000-200000001000 rw-p 00000000 00:00 0"), C::kOutside);
  EXPECT_EQ(class_of("1fffffffe000-200000001000 rw-p 00000000 00:00 0"), C::kOutside);
  EXPECT_EQ(class_of("7f1b86e10000-7f1b86e12000 r-xp 00000000 00:00 0 [vdso]"), C::kVdso);
  EXPECT_EQ(class_of("7f1b86e0a000-7f1b86e0e000 r--p 00000000 00:00 0 [vvar]"), C::kVvar);
  EXPECT_EQ(class_of("7f1b86e0e000-7f1b86e10000 r--p 00000000 00:00 0 [vvar_vclock]"), C::kVvar);
  EXPECT_EQ(class_of("7f0000000000-7f0000200000 rw-s 00000000 00:10 5 /anon_hugepage (deleted)"), C::kHuge);
  // A hugetlbfs file is told by its VmFlags (ht), not its name.
  EXPECT_EQ(class_of("7f0000000000-7f0000200000 rw-p 00000000 00:2a 7 /dev/hugepages/f", true), C::kHuge);
  EXPECT_EQ(class_of("7f0000000000-7f0000001000 rw-s 00000000 00:01 3 /SYSV00000000 (deleted)"), C::kShm);
  EXPECT_EQ(class_of("7f1b86e07000-7f1b86e08000 rw-s 00001000 00:01 1025 /dev/zero (deleted)"), C::kAnonShared);
  EXPECT_EQ(class_of("7f1b86e07000-7f1b86e08000 rw-s 00000000 00:01 1026 [anon_shmem:ring]"), C::kAnonShared);
  EXPECT_EQ(class_of("7f1b86e07000-7f1b86e08000 rw-s 00000000 00:01 1027 /memfd:m (deleted)"), C::kAnonShared);
  EXPECT_EQ(class_of("7f1b86e07000-7f1b86e08000 rw-s 00000000 00:00 0"), C::kAnonShared);
  EXPECT_EQ(class_of("55d4453b1000-55d4453d2000 rw-p 00000000 00:00 0 [heap]"), C::kAnonPrivate);
  EXPECT_EQ(class_of("7ffe19813000-7ffe19834000 rw-p 00000000 00:00 0 [stack]"), C::kAnonPrivate);
  EXPECT_EQ(class_of("7f1b86e12000-7f1b86e13000 rw-p 00000000 00:00 0 [anon:glibc: malloc]"), C::kAnonPrivate);
  EXPECT_EQ(class_of("7f1b86e14000-7f1b86e15000 ---p 00000000 00:00 0"), C::kAnonPrivate);
  EXPECT_EQ(class_of("7f1b86e14000-7f1b86e15000 r--p 00000000 00:00 0 [uprobes]"), C::kSpecial);
  // A private memfd mapping is a file mapping (of a deleted file).
  EXPECT_EQ(class_of("7f1b86e07000-7f1b86e08000 rw-p 00000000 00:01 1027 /memfd:m (deleted)"), C::kFilePrivate);
  EXPECT_EQ(class_of("7f1b86c1b000-7f1b86c41000 r--p 00000000 fe:01 1837731 /usr/lib/libc.so.6"), C::kFilePrivate);
  EXPECT_EQ(class_of("7f1b86c1b000-7f1b86c41000 r--s 00000000 fe:01 1837731 /usr/lib/libc.so.6"), C::kFileShared);
  EXPECT_EQ(class_of("7f1b86c1b000-7f1b86c41000 rw-s 00000000 00:05 9 anon_inode:[perf_event]"), C::kFileShared);
}

}  // namespace
}  // namespace snappy
