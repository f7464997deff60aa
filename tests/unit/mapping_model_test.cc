#include "ptracer/mapping_model.h"

#include <sys/mman.h>

#include <gtest/gtest.h>

namespace snappy {
namespace {

constexpr uint64_t P = MappingModel::kPageSize;
constexpr uint64_t B = 0x7f0000000000;
constexpr int RW = PROT_READ | PROT_WRITE, RX = PROT_READ | PROT_EXEC, RO = PROT_READ;
const std::string kLib = "/usr/lib/libx.so";

Region anon(uint64_t start, uint64_t end, int prot = RW) {
  return Region{start, end, prot, false, true, "", 0};
}
Region file(uint64_t start, uint64_t end, uint64_t offset, int prot = RX) {
  return Region{start, end, prot, false, false, kLib, offset};
}

ProcMapsEntry entry(uint64_t start, uint64_t end, int prot, std::string path = "",
                    uint64_t offset = 0, bool shared = false) {
  ProcMapsEntry e;
  e.start = start;
  e.end = end;
  e.readable = prot & PROT_READ;
  e.writable = prot & PROT_WRITE;
  e.executable = prot & PROT_EXEC;
  e.shared = shared;
  e.offset = offset;
  e.path = std::move(path);
  e.inode = e.path.empty() || e.path[0] != '/' ? 0 : 42;
  return e;
}

TEST(MappingModel, MapRoundsAndSorts) {
  MappingModel m;
  m.map(anon(B + 4 * P, B + 4 * P + 100));
  m.map(file(B, B + 2 * P, 0));
  auto r = m.regions();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0], file(B, B + 2 * P, 0));
  EXPECT_EQ(r[1], anon(B + 4 * P, B + 5 * P));
  EXPECT_EQ(m.find(B + P)->path, kLib);
  EXPECT_EQ(m.find(B + 3 * P), nullptr);
  EXPECT_EQ(m.find(B + 5 * P), nullptr);
}

TEST(MappingModel, UnmapWholeHeadTailMiddle) {
  MappingModel m;
  m.map(file(B, B + 10 * P, 0x1000));
  m.map(anon(B + 20 * P, B + 22 * P));
  m.unmap(B + 20 * P, 2 * P);  // whole
  m.unmap(B, P);               // head
  m.unmap(B + 9 * P, 100);     // tail (length rounded up)
  m.unmap(B + 4 * P, 2 * P);   // middle
  auto r = m.regions();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0], file(B + P, B + 4 * P, 0x2000));
  EXPECT_EQ(r[1], file(B + 6 * P, B + 9 * P, 0x7000));
  m.unmap(B - 5 * P, 100 * P);  // over holes and all
  EXPECT_TRUE(m.regions().empty());
}

TEST(MappingModel, UnmapAcrossRegions) {
  MappingModel m;
  m.map(anon(B, B + 2 * P));
  m.map(file(B + 2 * P, B + 4 * P, 0));
  m.unmap(B + P, 2 * P);
  auto r = m.regions();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0], anon(B, B + P));
  EXPECT_EQ(r[1], file(B + 3 * P, B + 4 * P, P));
}

TEST(MappingModel, ProtectSplits) {
  MappingModel m;
  m.map(file(B, B + 4 * P, 0, RW));
  m.protect(B + P, P, RO | PROT_GROWSDOWN);
  auto r = m.regions();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0], file(B, B + P, 0, RW));
  EXPECT_EQ(r[1], file(B + P, B + 2 * P, P, RO));
  EXPECT_EQ(r[2], file(B + 2 * P, B + 4 * P, 2 * P, RW));
  m.protect(B, 4 * P, PROT_NONE);
  for (const Region& x : m.regions()) EXPECT_EQ(x.prot, PROT_NONE);
}

TEST(MappingModel, MapFixedReplaces) {
  // What ld.so does: reserve the span with the first segment, then map the
  // others over it with MAP_FIXED, then anonymous bss.
  MappingModel m;
  m.map(file(B, B + 10 * P, 0, RO));
  m.map(file(B + 2 * P, B + 6 * P, 2 * P, RX));
  m.map(anon(B + 8 * P, B + 12 * P));
  auto r = m.regions();
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0], file(B, B + 2 * P, 0, RO));
  EXPECT_EQ(r[1], file(B + 2 * P, B + 6 * P, 2 * P, RX));
  EXPECT_EQ(r[2], file(B + 6 * P, B + 8 * P, 6 * P, RO));
  EXPECT_EQ(r[3], anon(B + 8 * P, B + 12 * P));
}

TEST(MappingModel, RemapMove) {
  MappingModel m;
  m.map(file(B, B + 4 * P, 0x10000, RW));
  m.map(anon(B + 100 * P, B + 101 * P));  // the target is replaced
  m.remap(B + P, 2 * P, 2 * P, B + 100 * P);
  auto r = m.regions();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0], file(B, B + P, 0x10000, RW));
  EXPECT_EQ(r[1], file(B + 3 * P, B + 4 * P, 0x13000, RW));
  EXPECT_EQ(r[2], file(B + 100 * P, B + 102 * P, 0x11000, RW));
}

TEST(MappingModel, RemapGrowInPlaceAndMove) {
  MappingModel m;
  m.map(file(B, B + 2 * P, 0x4000, RO));
  m.remap(B, 2 * P, 3 * P, B);
  ASSERT_EQ(m.regions().size(), 1u);
  EXPECT_EQ(m.regions()[0], file(B, B + 3 * P, 0x4000, RO));

  // Two model regions that the kernel holds as one VMA move together; the
  // last grows.
  m.map(file(B + 3 * P, B + 4 * P, 0x7000, RW));
  m.remap(B, 4 * P, 6 * P, B + 50 * P);
  auto r = m.regions();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0], file(B + 50 * P, B + 53 * P, 0x4000, RO));
  EXPECT_EQ(r[1], file(B + 53 * P, B + 56 * P, 0x7000, RW));
}

TEST(MappingModel, RemapShrinkAndDuplicate) {
  MappingModel m;
  m.map(anon(B, B + 4 * P));
  m.remap(B, 4 * P, P, B);
  ASSERT_EQ(m.regions().size(), 1u);
  EXPECT_EQ(m.regions()[0], anon(B, B + P));

  Region shm{B + 10 * P, B + 12 * P, RW, true, true, "", 0};
  m.map(shm);
  m.remap(B + 10 * P, 0, 2 * P, B + 20 * P);  // old_len 0: duplicate
  auto r = m.regions();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1], shm);
  EXPECT_EQ(r[2].start, B + 20 * P);
  EXPECT_TRUE(r[2].shared);

  m.remap(B, P, P, B + 30 * P, /*dont_unmap=*/true);
  EXPECT_NE(m.find(B), nullptr);
  EXPECT_NE(m.find(B + 30 * P), nullptr);
}

TEST(MappingModel, ExplainMatches) {
  MappingModel m;
  m.map(file(B, B + 2 * P, 0, RO));
  m.map(file(B + 2 * P, B + 4 * P, 2 * P, RO));
  m.map(anon(B + 4 * P, B + 6 * P));
  // The kernel merged two model regions into one entry.
  EXPECT_EQ(m.explain_mismatch(entry(B, B + 4 * P, RO, kLib, 0)), std::nullopt);
  // An entry that is part of a model region (the kernel split a VMA).
  EXPECT_EQ(m.explain_mismatch(entry(B + 3 * P, B + 4 * P, RO, kLib, 3 * P)), std::nullopt);
  EXPECT_EQ(m.explain_mismatch(entry(B + 5 * P, B + 6 * P, RW, "[anon:x]")), std::nullopt);
  EXPECT_EQ(m.explain_mismatch(entry(B + 4 * P, B + 6 * P, RW)), std::nullopt);
  // A deleted file is still the file the model mapped.
  EXPECT_EQ(m.explain_mismatch(entry(B, B + P, RO, kLib + " (deleted)", 0)), std::nullopt);
}

TEST(MappingModel, ExplainMismatches) {
  MappingModel m;
  m.map(file(B, B + 2 * P, 0x1000, RX));
  m.map(anon(B + 4 * P, B + 6 * P));
  EXPECT_EQ(m.explain_mismatch(entry(B + 2 * P, B + 3 * P, RW)),
            "0x7f0000002000-0x7f0000003000: model has no mapping here");
  // Partly covered: the gap is named.
  EXPECT_EQ(m.explain_mismatch(entry(B + P, B + 5 * P, RX, kLib, 0x2000)),
            "0x7f0000002000-0x7f0000004000: model has no mapping here");
  EXPECT_EQ(m.explain_mismatch(entry(B, B + 2 * P, RW, kLib, 0x1000)),
            "0x7f0000000000-0x7f0000002000 (/usr/lib/libx.so): prot differs: model r-x, "
            "kernel rw-");
  EXPECT_NE(m.explain_mismatch(entry(B, B + 2 * P, RX, kLib, 0x3000))->find("file offset"),
            std::string::npos);
  EXPECT_NE(m.explain_mismatch(entry(B, B + 2 * P, RX, "/other.so", 0x1000))->find("file differs"),
            std::string::npos);
  EXPECT_NE(m.explain_mismatch(entry(B, B + 2 * P, RX, kLib, 0x1000, true))->find("sharing"),
            std::string::npos);
  EXPECT_NE(m.explain_mismatch(entry(B + 4 * P, B + 6 * P, RW, kLib, 0))->find("anonymous"),
            std::string::npos);
  EXPECT_NE(m.explain_mismatch(entry(B, B + 2 * P, RX, "", 0))->find("anonymous"),
            std::string::npos);
}

TEST(MappingModel, SeedFromMaps) {
  std::vector<ProcMapsEntry> maps = parse_proc_maps(
      "7f1b86c1b000-7f1b86c41000 r--p 00000000 fe:01 1837731 /usr/lib/libc.so.6\n"
      "7f1b86e07000-7f1b86e09000 rw-s 00001000 00:01 1025 /dev/zero (deleted)\n"
      "7f1b86e10000-7f1b86e12000 r-xp 00000000 00:00 0 [vdso]\n"
      "7ffe19813000-7ffe19834000 rw-p 00000000 00:00 0 [stack]\n");
  MappingModel m;
  m.seed(maps);
  auto r = m.regions();
  ASSERT_EQ(r.size(), 4u);
  EXPECT_FALSE(r[0].anonymous);
  EXPECT_TRUE(r[1].anonymous);
  EXPECT_TRUE(r[1].shared);
  EXPECT_FALSE(r[2].anonymous);
  EXPECT_TRUE(r[3].anonymous);
  for (const ProcMapsEntry& e : maps) EXPECT_EQ(m.explain_mismatch(e), std::nullopt) << e.path;

  // Shared anonymous memory keeps its shmem offset through a split.
  m.unmap(0x7f1b86e07000, P);
  EXPECT_EQ(m.explain_mismatch(parse_proc_maps(
                "7f1b86e08000-7f1b86e09000 rw-s 00002000 00:01 1025 /dev/zero (deleted)")[0]),
            std::nullopt);
  // The vDSO is not anonymous memory.
  m.map(anon(0x7f1b86e10000, 0x7f1b86e12000, RX));
  EXPECT_NE(m.explain_mismatch(maps[2]), std::nullopt);

  // The stack grows down by page faults, with no syscall to see.
  ProcMapsEntry grown = maps[3];
  grown.start -= 4 * P;
  EXPECT_EQ(m.explain_mismatch(grown), std::nullopt);
  ProcMapsEntry not_stack = grown;
  not_stack.path = "";
  EXPECT_NE(m.explain_mismatch(not_stack), std::nullopt);

  m.seed({});
  EXPECT_TRUE(m.regions().empty());
}

}  // namespace
}  // namespace snappy
