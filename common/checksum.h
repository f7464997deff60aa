// xxh3-64, the one checksum of the snapshot format. Hosted code gets it from
// libxxhash; the freestanding programs compile xxhash.h inline (it needs no
// libc beyond memcpy, which common/freestanding provides).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace snappy {

uint64_t checksum64(const void* data, size_t size);

}  // namespace snappy
