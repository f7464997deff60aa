// Numbers as text for the hosted tools (ptracer, snap, snapfs, the
// decoder): one spelling of an address or a flag word in every message,
// the same as the freestanding one (common/freestanding_text.h). Prefixes
// are std::string_view::starts_with (C++20).
#pragma once

#include <cstdint>
#include <string>

#include "common/freestanding_text.h"

namespace snappy {

// 0x and the hex digits without leading zeros ("0x0" for 0), as printf's
// "0x%llx" writes it.
inline std::string hex(uint64_t v) {
  char out[18];
  return std::string(out, cstr::hex(v, out));
}

}  // namespace snappy
