// strerror's texts for the errnos the freestanding programs (restore,
// elf_loader) can meet, for both worlds: no libc, no table of pointers (one
// string, scanned). A hosted tool uses strerror itself; tests/unit/
// errno_text_test.cc checks every text here against it.
#pragma once

#include <stddef.h>

namespace snappy {

// Entries back to back: the errno as one byte, its text, a NUL.
inline constexpr char kErrnoTexts[] =
    "\x01Operation not permitted\0\x02No such file or directory\0\x03No such process\0"
    "\x04Interrupted system call\0\x05Input/output error\0\x06No such device or address\0"
    "\x07" "Argument list too long\0\x08" "Exec format error\0\x09" "Bad file descriptor\0"
    "\x0aNo child processes\0\x0bResource temporarily unavailable\0\x0c" "Cannot allocate memory\0"
    "\x0dPermission denied\0\x0e" "Bad address\0\x0f" "Block device required\0"
    "\x10" "Device or resource busy\0\x11" "File exists\0\x12Invalid cross-device link\0"
    "\x13No such device\0\x14Not a directory\0\x15Is a directory\0\x16Invalid argument\0"
    "\x17Too many open files in system\0\x18Too many open files\0"
    "\x19Inappropriate ioctl for device\0\x1aText file busy\0\x1b" "File too large\0"
    "\x1cNo space left on device\0\x1dIllegal seek\0\x1eRead-only file system\0"
    "\x1fToo many links\0\x20" "Broken pipe\0\x21Numerical argument out of domain\0"
    "\x22Numerical result out of range\0\x23Resource deadlock avoided\0\x24" "File name too long\0"
    "\x25No locks available\0\x26" "Function not implemented\0\x27" "Directory not empty\0"
    "\x28Too many levels of symbolic links\0\x3d" "No data available\0"
    "\x4b" "Value too large for defined data type\0\x4d" "File descriptor in bad state\0"
    "\x58Socket operation on non-socket\0\x5fOperation not supported\0"
    "\x61" "Address family not supported by protocol\0\x69No buffer space available\0"
    "\x6e" "Connection timed out\0\x74Stale file handle\0\x75Structure needs cleaning\0"
    "\x79Remote I/O error\0\x7a" "Disk quota exceeded\0\x7bNo medium found\0"
    "\x7dOperation canceled\0\x82Owner died\0\x85Memory page has hardware error\0";

// The text for `err` (positive), or nullptr if there is none here.
inline const char* errno_text(long err) {
  if (err <= 0 || err > 255) return nullptr;
  const char* p = kErrnoTexts;
  const char* end = kErrnoTexts + sizeof(kErrnoTexts) - 1;
  while (p < end) {
    unsigned char code = static_cast<unsigned char>(*p++);
    if (code == err) return p;
    while (*p) ++p;
    ++p;
  }
  return nullptr;
}

}  // namespace snappy
