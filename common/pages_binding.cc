#include "common/pages_binding.h"

#include "common/checksum.h"
#include "common/raw_syscall.h"

namespace snappy {

using namespace format;

namespace {

bool equal_bytes(const char* a, const char* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

PagesTrailer make_pages_trailer(uint64_t pages_id) {
  PagesTrailer trailer{};
  for (size_t i = 0; i < sizeof(kPagesMagic); ++i) trailer.magic[i] = kPagesMagic[i];
  trailer.id = pages_id;
  return trailer;
}

bool pages_trailer_matches(int pages_fd, uint64_t pages_size, uint64_t pages_id) {
  PagesTrailer trailer{};
  return pages_size >= kPageSize &&
         sys::pread(pages_fd, &trailer, sizeof(trailer), long(pages_size - kPageSize)) == long(sizeof(trailer)) &&
         equal_bytes(trailer.magic, kPagesMagic, sizeof(kPagesMagic)) && trailer.id == pages_id;
}

bool pair_from_two_recordings(const void* info, uint64_t info_size, int pages_fd, uint64_t pages_size) {
  Header h;
  if (info_size < sizeof(h)) return false;
  __builtin_memcpy(&h, info, sizeof(h));
  if (!equal_bytes(h.magic, kInfoMagic, sizeof(kInfoMagic)) ||
      h.header_checksum != checksum64(&h, offsetof(Header, header_checksum)) || h.pages_id == 0) {
    return false;
  }
  return !pages_trailer_matches(pages_fd, pages_size, h.pages_id);
}

}  // namespace snappy
