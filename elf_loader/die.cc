#include "elf_loader/die.h"

#include "common/errno_text.h"
#include "common/raw_syscall.h"
#include "common/freestanding_text.h"

namespace snappy {

void die(const char* what, const char* why) {
  const sys::IoVec parts[] = {
      {"elf_loader: ", 12}, {what, cstr::length(what)}, {": ", 2},
      {why, cstr::length(why)},  {"\n", 1},
  };
  sys::writev(2, parts, 5);
  sys::exit_group(kLoaderExitStatus);
}

const char* why_errno(long err) {
  uint64_t n = err < 0 ? -err : err;
  // Two in the loader's words for what it was doing; the rest strerror's.
  if (n == 8) return "not an ELF executable";    // ENOEXEC
  if (n == 17) return "address already in use";  // EEXIST (MAP_FIXED_NOREPLACE)
  if (const char* text = errno_text(static_cast<long>(n))) return text;
  static Message message;
  message = Message();
  char digits[21];
  digits[cstr::decimal(n, digits)] = '\0';
  return message.add("error ").add(digits).text();
}

Message& Message::add(const char* text) {
  while (*text && len_ + 1 < sizeof(buf_)) buf_[len_++] = *text++;
  buf_[len_] = '\0';
  return *this;
}

Message& Message::add_hex(uint64_t value) {
  char digits[19];
  digits[cstr::hex(value, digits)] = '\0';
  return add(digits);
}

}  // namespace snappy
