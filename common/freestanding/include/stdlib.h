/* xxhash.h includes <stdlib.h> for malloc/free, used only by its
 * create-state functions, which the freestanding build never calls. The
 * declarations let it compile; the nm -u check proves nothing links them. */
#pragma once
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
void* malloc(size_t n);
void free(void* p);
#ifdef __cplusplus
}
#endif
