// The two rules that let a JVM's default startup be recorded: which paths
// are its perf-data file (made to fail) and which are the program's own
// coredump_filter (written for real, value recorded).
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "ptracer/coredump_filter.h"
#include "ptracer/jvm_perf_data.h"

namespace snappy {
namespace {

TEST(JvmPerfData, TheUsersDirectoryAndWhatIsUnderIt) {
  EXPECT_TRUE(is_jvm_perf_data("/tmp/hsperfdata_root"));
  EXPECT_TRUE(is_jvm_perf_data("/tmp/hsperfdata_alice/4242"));
  EXPECT_TRUE(is_jvm_perf_data("/tmp/hsperfdata_alice/."));
  EXPECT_FALSE(is_jvm_perf_data("/tmp/hsperfdata_"));
  EXPECT_FALSE(is_jvm_perf_data("/tmp/hsperfdata_/x"));
  EXPECT_FALSE(is_jvm_perf_data("/tmp/hsperfdata"));
  EXPECT_FALSE(is_jvm_perf_data("/tmp/other"));
  EXPECT_FALSE(is_jvm_perf_data("/var/tmp/hsperfdata_root"));
  EXPECT_FALSE(is_jvm_perf_data("tmp/hsperfdata_root"));
}

TEST(CoredumpFilter, OnlyTheProgramsOwnProcessDirectory) {
  auto ours = [](pid_t p) { return p == 100 || p == 101; };
  EXPECT_TRUE(names_own_coredump_filter("/proc/100/coredump_filter", ours));
  EXPECT_TRUE(names_own_coredump_filter("/proc/101/coredump_filter", ours));  // a thread: the same mm
  EXPECT_FALSE(names_own_coredump_filter("/proc/102/coredump_filter", ours));  // another process
  EXPECT_FALSE(names_own_coredump_filter("/proc/100/task/100/coredump_filter", ours));  // no such file
  EXPECT_FALSE(names_own_coredump_filter("/proc/self/coredump_filter", ours));  // not resolved
  EXPECT_FALSE(names_own_coredump_filter("/proc/100/coredump_filter2", ours));
  EXPECT_FALSE(names_own_coredump_filter("/proc/100/oom_score_adj", ours));
  EXPECT_FALSE(names_own_coredump_filter("/proc/100/../102/coredump_filter", ours));
  EXPECT_FALSE(names_own_coredump_filter("/proc//coredump_filter", ours));
  EXPECT_FALSE(names_own_coredump_filter("/proc/0100/coredump_filterx", ours));
  EXPECT_FALSE(names_own_coredump_filter("/sys/100/coredump_filter", ours));
}

TEST(CoredumpFilter, ReadsThisProcesssValue) {
  uint32_t value = read_coredump_filter(getpid());
  EXPECT_EQ(value & ~0x1ffu, 0u);
}

}  // namespace
}  // namespace snappy
