// restore's errors and string helpers (freestanding).
#include "common/errno_text.h"
#include "common/freestanding_text.h"
#include "restore/restorer.h"

namespace snappy::restorer {

// ---- errors ---------------------------------------------------------------

[[noreturn]] void die(const char* what, const char* why, const uint64_t* value) {
  char hex[24];
  size_t n = 0;
  if (value) {
    hex[n++] = ' ';
    hex[n++] = '(';
    n += cstr::hex(*value, hex + n);
    hex[n++] = ')';
  }
  sys::IoVec iov[] = {{"restore: ", 9}, {what, length(what)}, {": ", 2},
                      {why, length(why)}, {hex, n}, {"\n", 1}};
  sys::writev(2, iov, 6);
  sys::exit_group(1);
}

[[noreturn]] void die_errno(const char* what, long err) {
  if (const char* why = errno_text(-err)) die(what, why);
  Text why;  // one this table does not know: its number, as strerror does
  die(what, why.add("error ").number(uint64_t(-err)).c_str());
}

// ---- small helpers ---------------------------------------------------------

void concat(char* out, const char* a, const char* b) {
  while (*a) *out++ = *a++;
  while (*b) *out++ = *b++;
  *out = 0;
}


Text& Text::add(const char* s) {
  while (*s && n_ < sizeof(buf_) - 1) buf_[n_++] = *s++;
  buf_[n_] = 0;
  return *this;
}

Text& Text::number(uint64_t v) {
  char digits[20];
  size_t n = decimal(v, digits);
  for (size_t i = 0; i < n && n_ < sizeof(buf_) - 1; ++i) buf_[n_++] = digits[i];
  buf_[n_] = 0;
  return *this;
}

Text& Text::hex(uint64_t v) {
  char digits[19];
  digits[cstr::hex(v, digits)] = 0;
  return add(digits);
}

[[noreturn]] void die_fd(uint32_t fd, const char* why) {
  Text what;
  die(what.add("fd ").number(fd).c_str(), why);
}

// `restore: fd N: <doing>: <strerror's text>`.
[[noreturn]] void die_fd_errno(uint32_t fd, const char* doing, long err) {
  Text what;
  what.add("fd ").number(fd);
  if (*doing) what.add(": ").add(doing);
  die_errno(what.c_str(), err);
}

long check(long ret, const char* what) {
  if (sys::is_error(ret)) die_errno(what, ret);
  return ret;
}

}  // namespace snappy::restorer
