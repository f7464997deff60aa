/* Declarations the freestanding build offers in place of libc's <string.h>;
 * common/freestanding/memory.cc defines them. Only what xxhash.h and the
 * compiler's own calls need. */
#pragma once
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
#ifdef __cplusplus
}
#endif
