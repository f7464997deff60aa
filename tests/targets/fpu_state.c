/* FPU, SSE, AVX and AVX-512 register state and MXCSR survive the
 * checkpoint. The registers are loaded with known values and the checkpoint
 * syscall is issued in the same asm statement (access(2), the contract of
 * examples/c/snappy_checkpoint.h), so nothing can clobber them between;
 * they are stored right after it. The restored instance re-enters at that
 * syscall with the registers of the snapshot's xsave area.
 */
#include <fenv.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>

#include "target_check.h"

struct fpu_block {
  uint8_t vec[32][64];  /* xmm/ymm/zmm 0..31, as many bytes as the level has */
  uint64_t k[8];        /* opmask registers (k1..k7 used) */
  double x87[3];        /* pushed st(2), st(1), st(0) */
  uint32_t mxcsr;
  uint16_t fcw;
};

static const char marker[] = SNAPPY_CHECKPOINT_PATH;

#define XMM_LOAD(n) "movdqu " #n "*64(%[in]), %%xmm" #n "\n\t"
#define XMM_STORE(n) "movdqu %%xmm" #n ", " #n "*64(%[out])\n\t"
#define YMM_LOAD(n) "vmovdqu " #n "*64(%[in]), %%ymm" #n "\n\t"
#define YMM_STORE(n) "vmovdqu %%ymm" #n ", " #n "*64(%[out])\n\t"
#define ZMM_LOAD(n) "vmovdqu64 " #n "*64(%[in]), %%zmm" #n "\n\t"
#define ZMM_STORE(n) "vmovdqu64 %%zmm" #n ", " #n "*64(%[out])\n\t"
#define K_LOAD(n) "kmovq " #n "*8+2048(%[in]), %%k" #n "\n\t"
#define K_STORE(n) "kmovq %%k" #n ", " #n "*8+2048(%[out])\n\t"
#define X16(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) \
               M(8) M(9) M(10) M(11) M(12) M(13) M(14) M(15)
#define X16HI(M) M(16) M(17) M(18) M(19) M(20) M(21) M(22) M(23) \
                 M(24) M(25) M(26) M(27) M(28) M(29) M(30) M(31)
#define K7(M) M(1) M(2) M(3) M(4) M(5) M(6) M(7)

/* Common head and tail: MXCSR, x87 control word and three x87 values. The
 * offsets are those of struct fpu_block (checked below). */
#define FPU_HEAD "ldmxcsr 2136(%[in])\n\t" "fldcw 2140(%[in])\n\t" \
                 "fldl 2112(%[in])\n\t" "fldl 2120(%[in])\n\t" "fldl 2128(%[in])\n\t"
#define FPU_SYSCALL "syscall\n\t"
#define FPU_TAIL "stmxcsr 2136(%[out])\n\t" "fnstcw 2140(%[out])\n\t" \
                 "fstpl 2128(%[out])\n\t" "fstpl 2120(%[out])\n\t" "fstpl 2112(%[out])\n\t"
_Static_assert(__builtin_offsetof(struct fpu_block, k) == 2048, "layout");
_Static_assert(__builtin_offsetof(struct fpu_block, x87) == 2112, "layout");
_Static_assert(__builtin_offsetof(struct fpu_block, mxcsr) == 2136, "layout");
_Static_assert(__builtin_offsetof(struct fpu_block, fcw) == 2140, "layout");

#define XMM_CLOBBERS "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", \
    "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"
#define COMMON_CLOBBERS "rcx", "r11", "memory", "cc", "st", "st(1)", "st(2)"

static long checkpoint_sse(const struct fpu_block *in, struct fpu_block *out) {
  long ret = SYS_access;
  __asm__ volatile(FPU_HEAD X16(XMM_LOAD) FPU_SYSCALL X16(XMM_STORE) FPU_TAIL
                   : "+a"(ret)
                   : [in] "r"(in), [out] "r"(out), "D"(marker), "S"(0L)
                   : COMMON_CLOBBERS, XMM_CLOBBERS);
  return ret;
}

__attribute__((target("avx"))) static long checkpoint_avx(const struct fpu_block *in,
                                                          struct fpu_block *out) {
  long ret = SYS_access;
  __asm__ volatile(FPU_HEAD X16(YMM_LOAD) FPU_SYSCALL X16(YMM_STORE) FPU_TAIL
                   : "+a"(ret)
                   : [in] "r"(in), [out] "r"(out), "D"(marker), "S"(0L)
                   : COMMON_CLOBBERS, XMM_CLOBBERS);
  return ret;
}

__attribute__((target("avx512f,avx512bw"))) static long checkpoint_avx512(
    const struct fpu_block *in, struct fpu_block *out) {
  long ret = SYS_access;
  __asm__ volatile(FPU_HEAD X16(ZMM_LOAD) X16HI(ZMM_LOAD) K7(K_LOAD) FPU_SYSCALL
                   X16(ZMM_STORE) X16HI(ZMM_STORE) K7(K_STORE) FPU_TAIL
                   : "+a"(ret)
                   : [in] "r"(in), [out] "r"(out), "D"(marker), "S"(0L)
                   : COMMON_CLOBBERS, XMM_CLOBBERS, "xmm16", "xmm17", "xmm18", "xmm19",
                     "xmm20", "xmm21", "xmm22", "xmm23", "xmm24", "xmm25", "xmm26",
                     "xmm27", "xmm28", "xmm29", "xmm30", "xmm31", "k1", "k2", "k3",
                     "k4", "k5", "k6", "k7");
  return ret;
}

/* MXCSR: all exceptions masked, round toward zero, FTZ and DAZ. */
#define TEST_MXCSR 0xffc0u
/* x87: all exceptions masked, extended precision, round toward zero. */
#define TEST_FCW 0x0f7fu

int main(void) {
  static struct fpu_block in, out;
  for (int r = 0; r < 32; r++)
    for (int b = 0; b < 64; b++) in.vec[r][b] = (uint8_t)(r * 37 + b * 11 + 5);
  for (int k = 1; k < 8; k++) in.k[k] = 0x0123456789abcdefull * (uint64_t)k;
  in.x87[0] = 3.25;
  in.x87[1] = -1234.5;
  in.x87[2] = 1e300;
  in.mxcsr = TEST_MXCSR;
  in.fcw = TEST_FCW;
  memset(&out, 0, sizeof out);

  int level = 0, width = 16, regs = 16;
  const char *name = "sse: xmm0-15";
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")) {
    level = 2, width = 64, regs = 32, name = "avx-512: zmm0-31";
  } else if (__builtin_cpu_supports("avx")) {
    level = 1, width = 32, name = "avx: ymm0-15";
  }
  printf("setup: %s, k1-k7 %s, mxcsr 0x%04x, x87 cw 0x%04x and stack loaded\n", name,
         level == 2 ? "loaded" : "n/a", TEST_MXCSR, TEST_FCW);
  fflush(stdout);

  /* The checkpoint, with the registers live across it. */
  if (level == 2) checkpoint_avx512(&in, &out);
  else if (level == 1) checkpoint_avx(&in, &out);
  else checkpoint_sse(&in, &out);

  /* The restored rounding mode is live: 1/3 rounds down in both units. */
  volatile float one = 1.0f, three = 3.0f;
  float third = one / three;
  uint32_t third_bits;
  memcpy(&third_bits, &third, 4);
  int x87_round = fegetround();
  fesetenv(FE_DFL_ENV);

  int vec_ok = 1;
  for (int r = 0; r < regs; r++) vec_ok &= memcmp(in.vec[r], out.vec[r], width) == 0;
  int k_ok = level < 2 || memcmp(&in.k[1], &out.k[1], 7 * sizeof(uint64_t)) == 0;
  printf("%s intact: %s\n", name, vec_ok ? "true" : "false");
  check("opmask k1-k7 intact (or n/a)", k_ok);
  printf("mxcsr after: 0x%04x\n", out.mxcsr);
  printf("x87 cw after: 0x%04x\n", out.fcw);
  check("x87 stack intact", memcmp(in.x87, out.x87, sizeof in.x87) == 0);
  printf("1.0f/3.0f under the restored mxcsr: 0x%08x\n", third_bits);
  check("x87 rounding is toward zero", x87_round == FE_TOWARDZERO);
  if (!vec_ok || out.mxcsr != TEST_MXCSR || out.fcw != TEST_FCW || third_bits != 0x3eaaaaaa)
    target_failures++;
  return finish();
}
