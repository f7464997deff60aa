// The text helpers of both worlds: common/freestanding_text.h (restore,
// elf_loader) and common/hex_text.h (the hosted tools), checked against
// libc and printf.
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "common/freestanding_text.h"
#include "common/hex_text.h"

namespace snappy {
namespace {

std::string printf_hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

TEST(FreestandingText, LengthEqualStartsWith) {
  for (const char* s : {"", "a", "restore", "/proc/self/exe"}) EXPECT_EQ(cstr::length(s), std::strlen(s)) << s;
  EXPECT_TRUE(cstr::equal("", ""));
  EXPECT_TRUE(cstr::equal("--anon", "--anon"));
  EXPECT_FALSE(cstr::equal("--anon", "--anon=exact"));
  EXPECT_FALSE(cstr::equal("--anon=exact", "--anon"));
  EXPECT_TRUE(cstr::starts_with("--anon=exact", "--anon"));
  EXPECT_TRUE(cstr::starts_with("--anon", "--anon"));
  EXPECT_TRUE(cstr::starts_with("x", ""));
  EXPECT_FALSE(cstr::starts_with("--an", "--anon"));
  EXPECT_FALSE(cstr::starts_with("-anon", "--anon"));
}

TEST(FreestandingText, BaseNameAsKbasename) {
  EXPECT_STREQ(cstr::base_name("/usr/bin/python3"), "python3");
  EXPECT_STREQ(cstr::base_name("python3"), "python3");
  EXPECT_STREQ(cstr::base_name("/usr/bin/"), "");
}

TEST(FreestandingText, DecimalAndHexAsPrintf) {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{9}, uint64_t{10}, uint64_t{0xf}, uint64_t{0x10},
                     uint64_t{0x400000}, uint64_t{0x7fffffffe000}, ~uint64_t{0}, uint64_t{1} << 63}) {
    char out[24];
    size_t n = cstr::decimal(v, out);
    EXPECT_EQ(std::string(out, n), std::to_string(v));
    n = cstr::hex(v, out);
    EXPECT_EQ(std::string(out, n), printf_hex(v));
    EXPECT_LE(n, 18u);
    EXPECT_EQ(hex(v), printf_hex(v));
  }
}

}  // namespace
}  // namespace snappy
