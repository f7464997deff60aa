/* xxhash.h's debug assertions are off (XXH_DEBUGLEVEL 0); this header only
 * has to exist. */
#pragma once
#define assert(x) ((void)0)
