// Which mapping calls ptracer applies at their entry (no exit stop): only
// those whose failure the arguments and the model rule out.
#include "ptracer/entry_prediction.h"

#include <gtest/gtest.h>
#include <sys/mman.h>

namespace snappy {
namespace {

constexpr uint64_t kBase = 0x7f0000000000;
constexpr uint64_t P = 4096;

SyscallArgs call(long nr, uint64_t a0, uint64_t a1, uint64_t a2 = 0, uint64_t a3 = 0, uint64_t a4 = 0,
                 uint64_t a5 = 0) {
  return {nr, {a0, a1, a2, a3, a4, a5}};
}

MappingModel model_with_hole() {
  MappingModel m;
  Region a;
  a.start = kBase;
  a.end = kBase + 2 * P;
  a.prot = PROT_READ | PROT_WRITE;
  m.map(a);
  Region b = a;  // a hole at kBase + 2P, then a shared file page
  b.start = kBase + 3 * P;
  b.end = kBase + 4 * P;
  b.shared = true;
  b.anonymous = false;
  b.path = "/etc/hostname";
  m.map(b);
  return m;
}

TEST(EntryPrediction, Mprotect) {
  MappingModel m = model_with_hole();
  EXPECT_TRUE(mprotect_predicted(m, call(SYS_mprotect, kBase, 2 * P, PROT_READ)));
  EXPECT_TRUE(mprotect_predicted(m, call(SYS_mprotect, kBase + P, 100, PROT_NONE)));  // length rounds up
  EXPECT_FALSE(mprotect_predicted(m, call(SYS_mprotect, kBase + 1, P, PROT_READ)));   // EINVAL
  EXPECT_FALSE(mprotect_predicted(m, call(SYS_mprotect, kBase, 0, PROT_READ)));       // length 0: left alone
  EXPECT_FALSE(mprotect_predicted(m, call(SYS_mprotect, kBase, 3 * P, PROT_READ)));   // runs into the hole
  EXPECT_FALSE(mprotect_predicted(m, call(SYS_mprotect, kBase + 2 * P, P, PROT_READ)));
  EXPECT_FALSE(mprotect_predicted(m, call(SYS_mprotect, kBase + 3 * P, P, PROT_READ)));  // shared
  EXPECT_FALSE(mprotect_predicted(m, call(SYS_mprotect, kBase, P, PROT_READ | PROT_EXEC)));
  EXPECT_FALSE(mprotect_predicted(m, call(SYS_mprotect, kBase, P, PROT_READ | PROT_GROWSDOWN)));
  EXPECT_FALSE(mprotect_predicted(m, call(SYS_mprotect, kBase, ~uint64_t{0} - P, PROT_READ)));  // overflow
}

TEST(EntryPrediction, Munmap) {
  EXPECT_TRUE(munmap_predicted(call(SYS_munmap, kBase + 2 * P, 10 * P)));  // holes are fine
  EXPECT_FALSE(munmap_predicted(call(SYS_munmap, kBase + 1, P)));
  EXPECT_FALSE(munmap_predicted(call(SYS_munmap, kBase, 0)));
  EXPECT_FALSE(munmap_predicted(call(SYS_munmap, (uint64_t{1} << 47) - P, 2 * P)));  // past user space
}

TEST(EntryPrediction, FixedMmap) {
  const uint64_t rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
  EXPECT_TRUE(fixed_mmap_predicted(call(SYS_mmap, kBase, P, rw, anon | MAP_FIXED, ~0ull, 0), false));
  EXPECT_FALSE(fixed_mmap_predicted(call(SYS_mmap, 0, P, rw, anon, ~0ull, 0), false));  // the kernel picks
  EXPECT_FALSE(fixed_mmap_predicted(call(SYS_mmap, kBase, P, rw, anon | MAP_FIXED_NOREPLACE, ~0ull, 0), false));
  EXPECT_FALSE(fixed_mmap_predicted(call(SYS_mmap, kBase, P, rw | PROT_EXEC, anon | MAP_FIXED, ~0ull, 0), false));
  EXPECT_FALSE(fixed_mmap_predicted(call(SYS_mmap, kBase, P, rw, anon | MAP_FIXED | MAP_LOCKED, ~0ull, 0), false));
  EXPECT_FALSE(fixed_mmap_predicted(call(SYS_mmap, kBase, P, rw, anon | MAP_FIXED | MAP_HUGETLB, ~0ull, 0), false));
  EXPECT_FALSE(fixed_mmap_predicted(call(SYS_mmap, kBase + 8, P, rw, anon | MAP_FIXED, ~0ull, 0), false));
  // Files: only an fd the model knows as an open file, at a page-aligned offset.
  const uint64_t file = MAP_PRIVATE | MAP_FIXED;
  EXPECT_TRUE(fixed_mmap_predicted(call(SYS_mmap, kBase, P, PROT_READ, file, 3, 2 * P), true));
  EXPECT_FALSE(fixed_mmap_predicted(call(SYS_mmap, kBase, P, PROT_READ, file, 999, 0), false));
  EXPECT_FALSE(fixed_mmap_predicted(call(SYS_mmap, kBase, P, PROT_READ, file, 3, 100), true));
  EXPECT_TRUE(fixed_mmap_predicted(call(SYS_mmap, kBase, P, PROT_READ | PROT_EXEC, file, 3, 0), true));  // ld.so's text
  EXPECT_FALSE(fixed_mmap_predicted(call(SYS_mmap, kBase, P, PROT_WRITE | PROT_EXEC, file, 3, 0), true));
  EXPECT_TRUE(fixed_mmap_predicted(call(SYS_mmap, kBase, P, PROT_READ, MAP_SHARED | MAP_FIXED, 3, 0), true));
  EXPECT_FALSE(fixed_mmap_predicted(call(SYS_mmap, kBase, P, rw, MAP_SHARED | MAP_FIXED, 3, 0), true));
  EXPECT_FALSE(fixed_mmap_predicted(call(SYS_mmap, kBase, P, PROT_READ, MAP_SHARED | MAP_PRIVATE | MAP_FIXED, 3, 0), true));
}

}  // namespace
}  // namespace snappy
