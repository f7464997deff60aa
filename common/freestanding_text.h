// NUL-terminated strings and numbers as text for the freestanding programs
// (restore, elf_loader: no libc, so no strlen, strcmp or snprintf). Header
// only and libc-free, so the hosted unit tests check the same code
// (tests/unit/text_test.cc). The hosted tools use std::string and
// common/hex_text.h instead; strerror's texts for both worlds are
// common/errno_text.h.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace snappy::cstr {

inline size_t length(const char* s) {
  size_t n = 0;
  while (s[n]) ++n;
  return n;
}

inline bool equal(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

inline bool starts_with(const char* s, const char* prefix) {
  while (*prefix && *s == *prefix) ++s, ++prefix;
  return !*prefix;
}

// The last component of a path, as the kernel's kbasename() gives it.
inline const char* base_name(const char* path) {
  const char* base = path;
  for (const char* p = path; *p; ++p) {
    if (*p == '/') base = p + 1;
  }
  return base;
}

// Writes `v` in decimal to `out` (room for 20), no NUL; returns the number
// of characters.
inline size_t decimal(uint64_t v, char* out) {
  char digits[20];
  size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  for (size_t i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
  return n;
}

// Writes `v` as 0x and its hex digits without leading zeros ("0x0" for 0)
// to `out` (room for 18), no NUL; returns the number of characters.
inline size_t hex(uint64_t v, char* out) {
  size_t digits = 1;
  while (digits < 16 && (v >> (4 * digits))) ++digits;
  out[0] = '0';
  out[1] = 'x';
  for (size_t i = 0; i < digits; ++i) out[2 + i] = "0123456789abcdef"[(v >> (4 * (digits - 1 - i))) & 15];
  return 2 + digits;
}

}  // namespace snappy::cstr
