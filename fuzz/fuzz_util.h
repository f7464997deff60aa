// Helpers shared by the fuzz targets (fuzz/*_fuzzer.cc).
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/checksum.h"
#include "common/snapshot_format.h"

namespace snappy::fuzz {

// Makes a mutated NAME.info pass the checksum checks, so the fuzzer reaches
// the structural validation behind them: sets info_size (when asked),
// recomputes body_checksum over [header_size, size) and header_checksum over
// the header. No-op for inputs shorter than a header.
inline void fix_checksums(uint8_t* data, size_t size, bool fix_info_size) {
  using format::Header;
  if (size < sizeof(Header)) return;
  Header h;
  memcpy(&h, data, sizeof h);
  if (fix_info_size) h.info_size = size;
  h.body_checksum = checksum64(data + sizeof(Header), size - sizeof(Header));
  memcpy(data, &h, sizeof h);
  h.header_checksum = checksum64(data, offsetof(Header, header_checksum));
  memcpy(data, &h, sizeof h);
}

inline uint64_t header_pages_size(const uint8_t* data, size_t size) {
  if (size < sizeof(format::Header)) return 0;
  uint64_t v;
  memcpy(&v, data + offsetof(format::Header, pages_size), sizeof v);
  return v;
}

inline void set_header_pages_size(uint8_t* data, size_t size, uint64_t v) {
  if (size < sizeof(format::Header)) return;
  memcpy(data + offsetof(format::Header, pages_size), &v, sizeof v);
}

// Aborts the fuzz target (a finding) when a promise of InfoView::open is broken.
#define FUZZ_CHECK(cond)                                                              \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      fprintf(stderr, "%s:%d: promise broken: %s\n", __FILE__, __LINE__, #cond);      \
      abort();                                                                        \
    }                                                                                 \
  } while (0)

}  // namespace snappy::fuzz
