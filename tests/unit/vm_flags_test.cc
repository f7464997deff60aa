#include "ptracer/vm_flags.h"

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <gtest/gtest.h>

#include "common/mapping_flag_words.h"
#include "common/snapshot_format.h"

namespace snappy {
namespace {

using namespace format;

TEST(VmFlagsTest, WordsGiveTheirBitsOthersNone) {
  EXPECT_EQ(mapping_flags_from_vmflags(" rd wr mr mw me ac sd"), 0u);
  EXPECT_EQ(mapping_flags_from_vmflags(" rd wr mr mw me dc wf dd hg nh mg sr rr lo nr "),
            uint32_t{kMappingDontFork | kMappingWipeOnFork | kMappingDontDump | kMappingHugePage |
                     kMappingNoHugePage | kMappingMergeable | kMappingSequential | kMappingRandom |
                     kMappingLocked | kMappingNoReserve});
  EXPECT_EQ(mapping_flags_from_vmflags("wfx dcc"), 0u);  // whole words only
}

// The words of Linux 4.4 (lf) and 6.11 (dp), as a 6.18 kernel prints a
// MAP_DROPPABLE mapping and an mlock2(MLOCK_ONFAULT) one.
TEST(VmFlagsTest, LockOnFaultAndDroppable) {
  EXPECT_EQ(mapping_flags_from_vmflags(" rd wr mr mw me nr wf dd dp "),
            uint32_t{kMappingNoReserve | kMappingWipeOnFork | kMappingDontDump | kMappingDroppable});
  EXPECT_EQ(mapping_flags_from_vmflags(" rd wr mr mw me lo lf ac"), uint32_t{kMappingLocked | kMappingLockOnFault});
  EXPECT_EQ(mapping_flags_from_vmflags(" rd wr mr mw me gd ac"), uint32_t{kMappingGrowsDown});
  EXPECT_EQ(mapping_flags_from_vmflags("dpx lff d p"), 0u);
  EXPECT_TRUE(parse_vmflags(" rd wr mr mw me de ht ").hugetlb);
  EXPECT_FALSE(parse_vmflags(" rd wr hg ").hugetlb);
}

// Every bit of the word table is one MappingFlags bit, the table has no
// word twice, and together the words cover every known bit but
// kMappingShared (which comes from maps, not VmFlags).
TEST(VmFlagsTest, WordTableCoversTheKnownFlags) {
  uint32_t all = 0;
  for (const MappingFlagWord& w : kMappingFlagWords) {
    EXPECT_EQ(w.bit & (w.bit - 1), 0u) << w.name;
    EXPECT_EQ(all & w.bit, 0u) << w.name;
    EXPECT_EQ(mapping_flags_from_vmflags(w.name), w.bit) << w.name;
    all |= w.bit;
  }
  EXPECT_EQ(all | kMappingShared, uint32_t{kMappingKnownFlags});
}

uint64_t start_of(void* p) { return reinterpret_cast<uint64_t>(p); }

TEST(VmFlagsTest, ReadsThisProcessesAdvice) {
  long page = sysconf(_SC_PAGESIZE);
  void* p = mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  ASSERT_EQ(madvise(p, page, MADV_WIPEONFORK), 0);
  auto flags = read_vmflags(getpid());
  ASSERT_TRUE(flags.count(start_of(p)));
  EXPECT_EQ(flags[start_of(p)].mapping_flags & kMappingWipeOnFork, uint32_t{kMappingWipeOnFork});
  EXPECT_EQ(flags[start_of(p)].mapping_flags & kMappingNoReserve, uint32_t{kMappingNoReserve});
  munmap(p, page);
}

// mlock2(MLOCK_ONFAULT) and mlock on this process's own pages, within the
// RLIMIT_MEMLOCK every unprivileged process has (8 MiB by default here;
// the test needs two pages).
TEST(VmFlagsTest, ReadsThisProcessesLocks) {
  struct rlimit lim;
  ASSERT_EQ(getrlimit(RLIMIT_MEMLOCK, &lim), 0);
  ASSERT_GE(lim.rlim_cur, 2u * 4096u) << "RLIMIT_MEMLOCK below two pages: the test cannot lock";
  long page = sysconf(_SC_PAGESIZE);
  char* p = static_cast<char*>(mmap(nullptr, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(p, MAP_FAILED);
  ASSERT_EQ(munmap(p + page, page), 0);  // two VMAs, kept apart
  ASSERT_EQ(mlock(p, page), 0);
  ASSERT_EQ(mlock2(p + 2 * page, page, MLOCK_ONFAULT), 0);
  auto flags = read_vmflags(getpid());
  ASSERT_TRUE(flags.count(start_of(p)) && flags.count(start_of(p + 2 * page)));
  EXPECT_EQ(flags[start_of(p)].mapping_flags & (kMappingLocked | kMappingLockOnFault), uint32_t{kMappingLocked});
  EXPECT_EQ(flags[start_of(p + 2 * page)].mapping_flags & (kMappingLocked | kMappingLockOnFault),
            uint32_t{kMappingLocked | kMappingLockOnFault});
  munmap(p, page);
  munmap(p + 2 * page, page);
}

// MAP_DROPPABLE memory of this process shows dp (with the wf dd nr it
// implies) where the kernel has it (Linux 6.11); an older kernel refuses
// the map type with EINVAL.
TEST(VmFlagsTest, ReadsThisProcessesDroppableMemory) {
  constexpr int kMapDroppable = 0x08;
  long page = sysconf(_SC_PAGESIZE);
  void* p = mmap(nullptr, page, PROT_READ | PROT_WRITE, kMapDroppable | MAP_ANONYMOUS, -1, 0);
  utsname uts;
  ASSERT_EQ(uname(&uts), 0);
  unsigned major = 0, minor = 0;
  ASSERT_EQ(std::sscanf(uts.release, "%u.%u", &major, &minor), 2);
  bool has_droppable = major > 6 || (major == 6 && minor >= 11);
  if (!has_droppable) {
    EXPECT_EQ(p, MAP_FAILED) << uts.release;
    EXPECT_EQ(errno, EINVAL);
    return;
  }
  ASSERT_NE(p, MAP_FAILED) << uts.release << ": " << std::strerror(errno);
  auto flags = read_vmflags(getpid());
  ASSERT_TRUE(flags.count(start_of(p)));
  EXPECT_EQ(flags[start_of(p)].mapping_flags,
            uint32_t{kMappingDroppable | kMappingWipeOnFork | kMappingDontDump | kMappingNoReserve});
  munmap(p, page);
}

}  // namespace
}  // namespace snappy
