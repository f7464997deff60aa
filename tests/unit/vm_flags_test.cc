#include "ptracer/vm_flags.h"

#include <sys/mman.h>
#include <unistd.h>

#include <gtest/gtest.h>

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

TEST(VmFlagsTest, ReadsThisProcessesAdvice) {
  long page = sysconf(_SC_PAGESIZE);
  void* p = mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  ASSERT_EQ(madvise(p, page, MADV_WIPEONFORK), 0);
  auto flags = read_mapping_flags(getpid());
  uint64_t start = reinterpret_cast<uint64_t>(p);
  ASSERT_TRUE(flags.count(start));
  EXPECT_EQ(flags[start] & kMappingWipeOnFork, uint32_t{kMappingWipeOnFork});
  EXPECT_EQ(flags[start] & kMappingNoReserve, uint32_t{kMappingNoReserve});
  munmap(p, page);
}

}  // namespace
}  // namespace snappy
