#include "elf_loader/die.h"

#include "common/raw_syscall.h"
#include "elf_loader/text.h"

namespace snappy {

void die(const char* what, const char* why) {
  const sys::IoVec parts[] = {
      {"elf_loader: ", 12}, {what, str_len(what)}, {": ", 2},
      {why, str_len(why)},  {"\n", 1},
  };
  sys::writev(2, parts, 5);
  sys::exit_group(kLoaderExitStatus);
}

const char* errno_text(long err) {
  switch (-err) {
    case 2: return "No such file or directory";     // ENOENT
    case 8: return "not an ELF executable";         // ENOEXEC
    case 12: return "Cannot allocate memory";       // ENOMEM
    case 13: return "Permission denied";            // EACCES
    case 17: return "address already in use";       // EEXIST (MAP_FIXED_NOREPLACE)
    case 20: return "Not a directory";              // ENOTDIR
    case 21: return "Is a directory";               // EISDIR
    case 36: return "File name too long";           // ENAMETOOLONG
    case 40: return "Too many levels of symbolic links";  // ELOOP
  }
  static Message message;
  message = Message();
  uint64_t n = err < 0 ? -err : err;
  char digits[24];
  int i = sizeof(digits) - 1;
  digits[i] = '\0';
  do {
    digits[--i] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n);
  return message.add("error ").add(&digits[i]).text();
}

Message& Message::add(const char* text) {
  while (*text && len_ + 1 < sizeof(buf_)) buf_[len_++] = *text++;
  buf_[len_] = '\0';
  return *this;
}

Message& Message::add_hex(uint64_t value) {
  char digits[19] = "0x";
  int n = 2;
  for (int shift = 60; shift >= 0; shift -= 4) {
    unsigned d = (value >> shift) & 15;
    if (d == 0 && n == 2 && shift) continue;  // no leading zeros
    digits[n++] = static_cast<char>(d < 10 ? '0' + d : 'a' + d - 10);
  }
  digits[n] = '\0';
  return add(digits);
}

}  // namespace snappy
