// Error reporting for the loader (STYLE.md rule 5): one line
// `elf_loader: <what>: <why>` on fd 2, then exit 127 like a shell that
// cannot run a command. Nothing of the program has run when die() is called,
// except in the one place noted in elf_image.cc (a half-mapped image, which
// dies with it).
#pragma once

#include <stdint.h>

namespace snappy {

constexpr int kLoaderExitStatus = 127;

[[noreturn]] void die(const char* what, const char* why);

// The message for a -errno result: strerror's text (common/errno_text.h),
// two in the loader's own words, "error N" for one the table lacks.
const char* why_errno(long err);

// Builds `why` texts that need a number, e.g. "cannot map at 0x400000".
// Holds one message at a time; die() copies nothing, so use it right away.
class Message {
 public:
  Message& add(const char* text);
  Message& add_hex(uint64_t value);
  const char* text() const { return buf_; }

 private:
  char buf_[256] = {};
  unsigned len_ = 0;
};

}  // namespace snappy
