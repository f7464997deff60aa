#include "common/checksum.h"

#if !__STDC_HOSTED__
// xxhash.h's inline implementation, with the shims in
// common/freestanding/include standing in for <string.h> and <stdlib.h>.
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

namespace snappy {

uint64_t checksum64(const void* data, size_t size) {
  return XXH3_64bits(data, size);
}

}  // namespace snappy
