/* A job that writes memory, for the learned working set (snapinfo learn;
 * tests/learned/learned_test.sh trains and measures it). Before the
 * checkpoint it fills 4 MiB of anonymous memory and writes one page of a
 * 64 MiB reservation; after it, the job reads every page of the 4 MiB
 * (each read fault maps up to 16 pages read-only: fault-around), then
 * writes 31 pages of every 32 (a copy-on-write fault each, unless the page
 * was populated write-first), and prints a checksum.
 *
 * Right after the checkpoint it reads one byte of stdin (EOF from
 * /dev/null), so that a test can look at an instance before its job.
 *
 * stdout holds only facts (run_target.sh compares it with a cold run). The
 * measurements go to fd 3 when the caller opened it: the minor faults the
 * job took (getrusage, from the checkpoint to the end of the job), and the
 * reservation's Rss (smaps) right after the checkpoint, which restore
 * --populate must keep at its one stored page.
 * snappy-test: also-restore=--populate
 * snappy-test: learn=yes
 */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "target_check.h"

#define WORK_BYTES (4u << 20)
#define RESERVATION_BYTES (64u << 20)
#define PAGE 4096u

static long rss_kb_of(void *start) {
  char want[32], line[512];
  snprintf(want, sizeof want, "%lx-", (unsigned long)start);
  FILE *smaps = fopen("/proc/self/smaps", "r");
  if (!smaps) return -1;
  int in_it = 0;
  long kb = -1;
  while (fgets(line, sizeof line, smaps)) {
    if (strchr(line, '-') && strchr(line, ' ') && strchr(line, '-') < strchr(line, ' ')) in_it = strncmp(line, want, strlen(want)) == 0;
    if (in_it && sscanf(line, "Rss: %ld kB", &kb) == 1) break;
  }
  fclose(smaps);
  return kb;
}

static long minor_faults(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_minflt;
}

int main(void) {
  uint64_t *work = mmap(NULL, WORK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  unsigned char *reservation = mmap(NULL, RESERVATION_BYTES, PROT_READ | PROT_WRITE,
                                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (work == MAP_FAILED || reservation == MAP_FAILED) return 2;
  uint64_t x = 88172645463325252ull;
  for (size_t i = 0; i < WORK_BYTES / 8; i++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    work[i] = x;
  }
  reservation[0] = 1;
  setup_done("4 MiB written, one page of a 64 MiB reservation");

  snappy_checkpoint();
  /* Reads one byte of stdin before the job: at once from /dev/null; a
   * caller holding a pipe open inspects the instance blocked here, before
   * the job, with only what restore populated in it (learned_test.sh). */
  char byte;
  if (read(0, &byte, 1) < 0) return 2;
  long rss_kb = rss_kb_of(reservation);
  long faults_before = minor_faults();
  uint64_t sum = 0;
  for (size_t i = 0; i < WORK_BYTES / 8; i += PAGE / 8) sum += work[i];  /* read first */
  /* then write, all but every 32nd page: 32 runs, enough that restore
   * batches them in one process_madvise (prefault.cc), which the test's
   * seccomp filter then refuses. */
  for (size_t i = 0; i < WORK_BYTES / 8; i += PAGE / 8) {
    if (i / (PAGE / 8) % 32 != 31) work[i] += sum;
  }
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < WORK_BYTES / 8; i++) h = (h ^ work[i]) * 0x100000001b3ull;
  long faults = minor_faults() - faults_before;

  printf("checksum: %016llx\n", (unsigned long long)h);
  check("reservation reads its one written page", reservation[0] == 1 && reservation[RESERVATION_BYTES - 1] == 0);
  if (fcntl(3, F_GETFD) >= 0) dprintf(3, "faults %ld\nreservation_rss_kb %ld\n", faults, rss_kb);
  return target_failures;
}
