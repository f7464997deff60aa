/* The limits xxhash.h uses. The compiler's own <limits.h> would reach for
 * libc's with #include_next, which the freestanding build cannot see. */
#pragma once
#define CHAR_BIT 8
#define UINT_MAX 0xffffffffU
#define ULONG_MAX 0xffffffffffffffffUL
#define ULLONG_MAX 0xffffffffffffffffULL
#define INT_MAX 0x7fffffff
#define LONG_MAX 0x7fffffffffffffffL
