// restore's errors and string helpers (freestanding).
#include "restore/restorer.h"

namespace snappy::restorer {

// ---- errors ---------------------------------------------------------------

size_t length(const char* s) {
  size_t n = 0;
  while (s[n]) ++n;
  return n;
}

[[noreturn]] void die(const char* what, const char* why, const uint64_t* value) {
  char hex[24];
  int n = 0;
  if (value) {
    hex[n++] = ' ';
    hex[n++] = '(';
    hex[n++] = '0';
    hex[n++] = 'x';
    int digits = 1;
    while (digits < 16 && (*value >> (4 * digits))) ++digits;
    for (int i = digits - 1; i >= 0; --i) hex[n++] = "0123456789abcdef"[(*value >> (4 * i)) & 15];
    hex[n++] = ')';
  }
  sys::IoVec iov[] = {{"restore: ", 9}, {what, length(what)}, {": ", 2},
                      {why, length(why)}, {hex, size_t(n)}, {"\n", 1}};
  sys::writev(2, iov, 6);
  sys::exit_group(1);
}

[[noreturn]] void die_errno(const char* what, long err) {
  const char* why = "system call failed";
  switch (-err) {
    case 2: why = "No such file or directory"; break;
    case 12: why = "Cannot allocate memory"; break;
    case 13: why = "Permission denied"; break;
    case 17: why = "File exists"; break;
    case 21: why = "Is a directory"; break;
    case 22: why = "Invalid argument"; break;
    case 24: why = "Too many open files"; break;
    case 1: why = "Operation not permitted"; break;
  }
  if (why[0] == 's') {  // no text for this errno: show its number
    uint64_t code = uint64_t(-err);
    die(what, why, &code);
  }
  die(what, why);
}

// ---- small helpers ---------------------------------------------------------

// Writes `v` in decimal to `out`; returns the number of digits.
size_t decimal(uint64_t v, char* out) {
  char digits[20];
  size_t n = 0;
  do {
    digits[n++] = char('0' + v % 10);
    v /= 10;
  } while (v);
  for (size_t i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
  return n;
}

bool equal(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

void concat(char* out, const char* a, const char* b) {
  while (*a) *out++ = *a++;
  while (*b) *out++ = *b++;
  *out = 0;
}


long check(long ret, const char* what) {
  if (sys::is_error(ret)) die_errno(what, ret);
  return ret;
}

}  // namespace snappy::restorer
