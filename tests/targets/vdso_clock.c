/* Clocks after the checkpoint, through the vDSO (or, recorded with
 * --no-vdso, through syscalls): CLOCK_MONOTONIC, REALTIME, BOOTTIME and
 * the coarse clocks advance, agree with the kernel's syscalls (a vDSO with
 * stale or misplaced data pages would not), and are sane against the
 * readings taken before the checkpoint.
 * snappy-test: also-record=--no-vdso
 * snappy-test: variants=pie,static
 */
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "target_check.h"

static int64_t ns(clockid_t id) {
  struct timespec ts;
  if (clock_gettime(id, &ts) != 0) return -1;
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t sys_ns(clockid_t id) {
  struct timespec ts;
  if (syscall(SYS_clock_gettime, id, &ts) != 0) return -1;
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t abs64(int64_t v) { return v < 0 ? -v : v; }

int main(void) {
  const int64_t ms = 1000000, s = 1000 * ms;
  int64_t mono0 = ns(CLOCK_MONOTONIC), real0 = ns(CLOCK_REALTIME);
  setup_done("read CLOCK_MONOTONIC and CLOCK_REALTIME");

  snappy_checkpoint();

  int64_t mono1 = ns(CLOCK_MONOTONIC), real1 = ns(CLOCK_REALTIME);
  check("monotonic did not go back", mono1 >= mono0);
  check("realtime advanced less than a day", real1 >= real0 - s && real1 - real0 < 86400 * s);
  check("realtime - monotonic unchanged within 1 s", abs64((real1 - mono1) - (real0 - mono0)) < s);
  const clockid_t ids[] = {CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME,
                           CLOCK_MONOTONIC_RAW, CLOCK_TAI};
  int agree = 1;
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    int64_t a = ns(ids[i]), k = sys_ns(ids[i]), b = ns(ids[i]);
    agree &= a > 0 && k >= a && b >= k && b - a < 500 * ms;
  }
  check("vDSO clocks agree with clock_gettime syscalls", agree);
  int64_t ca = ns(CLOCK_MONOTONIC_COARSE), fa = ns(CLOCK_MONOTONIC);
  check("coarse monotonic within 500 ms", abs64(fa - ca) < 500 * ms);
  struct timeval tv;
  gettimeofday(&tv, NULL);
  int64_t tod = (int64_t)tv.tv_sec * s + tv.tv_usec * 1000;
  check("gettimeofday agrees with realtime", abs64(tod - ns(CLOCK_REALTIME)) < 500 * ms);
  time_t t = time(NULL);
  check("time() agrees with the syscall", abs64((int64_t)t - (int64_t)syscall(SYS_time, NULL)) <= 1);
  int64_t before = ns(CLOCK_MONOTONIC), rbefore = ns(CLOCK_REALTIME);
  struct timespec nap = {0, 20 * ms};
  nanosleep(&nap, NULL);
  int64_t slept = ns(CLOCK_MONOTONIC) - before, rslept = ns(CLOCK_REALTIME) - rbefore;
  check("a 20 ms sleep takes 20 ms to 5 s (monotonic)", slept >= 20 * ms && slept < 5 * s);
  check("a 20 ms sleep takes 10 ms to 5 s (realtime)", rslept >= 10 * ms && rslept < 5 * s);
  return finish();
}
