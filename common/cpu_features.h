// What a snapshot needs of the CPU, read the same way by the recorder and by
// restore (freestanding-safe): XCR0 and the XSAVE area size decide whether
// the saved FPU state can be loaded; the CPUID feature words decide which
// code paths glibc's IFUNCs and the program picked (an AVX-512 memcpy, say),
// which must still work on the restoring CPU.
#pragma once

#include <stdint.h>

namespace snappy {

constexpr int kCpuFeatureWords = 8;

// Names of the words of read_cpu_features, for messages.
constexpr const char* kCpuFeatureWordNames[kCpuFeatureWords] = {
    "CPUID.1:ECX",        "CPUID.1:EDX",        "CPUID.(7,0):EBX",    "CPUID.(7,0):ECX",
    "CPUID.(7,0):EDX",    "CPUID.(7,1):EAX",    "CPUID.80000001:ECX", "CPUID.80000001:EDX",
};

inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t* a, uint32_t* b, uint32_t* c, uint32_t* d) {
  __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

inline uint64_t read_xcr0() {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (uint64_t(hi) << 32) | lo;
}

// CPUID.(EAX=0DH,ECX=0):EBX: the XSAVE area size for the features in XCR0.
inline uint32_t read_xsave_size() {
  uint32_t a, b, c, d;
  cpuid(0xd, 0, &a, &b, &c, &d);
  return b;
}

inline void read_cpu_features(uint32_t out[kCpuFeatureWords]) {
  uint32_t a, b, c, d, max_leaf, max_ext;
  cpuid(0, 0, &max_leaf, &b, &c, &d);
  cpuid(0x80000000, 0, &max_ext, &b, &c, &d);
  for (int i = 0; i < kCpuFeatureWords; ++i) out[i] = 0;
  cpuid(1, 0, &a, &b, &out[0], &out[1]);
  if (max_leaf >= 7) {
    cpuid(7, 0, &a, &out[2], &out[3], &out[4]);
    cpuid(7, 1, &out[5], &b, &c, &d);
  }
  if (max_ext >= 0x80000001) cpuid(0x80000001, 0, &a, &b, &out[6], &out[7]);
}

}  // namespace snappy
