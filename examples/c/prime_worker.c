/* A worker with an expensive startup: it sieves the primes below 10^8
 * (about half a second), marks the snapshot point, then answers queries
 * read from stdin, one number per line: "N: prime" or "N: composite", and
 * how many primes there are up to N.
 *
 * Record once, then every `restore` starts with the sieve done:
 *   ptracer -o /tmp/primes ./prime_worker
 *   echo 99999989 | restore /tmp/primes
 *
 * A restored instance has the recorded argv, environment and memory, but
 * the restoring caller's stdin, stdout and stderr: so jobs come in on
 * stdin, not on the command line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "snappy_checkpoint.h"

#define LIMIT 100000000u

static uint8_t composite[LIMIT / 16 + 1];  /* odd numbers only, one bit each */
static uint32_t prefix[LIMIT / 65536 + 1]; /* primes below i * 65536 */

static int is_prime(uint32_t n) {
  if (n < 2) return 0;
  if (n % 2 == 0) return n == 2;
  return !(composite[n / 16] & (1u << (n / 2 % 8)));
}

static uint32_t count_upto(uint32_t n) {
  uint32_t block = n / 65536, count = prefix[block];
  for (uint32_t i = block * 65536; i <= n; i++) count += is_prime(i);
  return count;
}

int main(void) {
  for (uint32_t i = 3; (uint64_t)i * i < LIMIT; i += 2)
    if (is_prime(i))
      for (uint64_t j = (uint64_t)i * i; j < LIMIT; j += 2 * i)
        composite[j / 16] |= (uint8_t)(1u << (j / 2 % 8));
  for (uint32_t b = 1, count = 0; b <= LIMIT / 65536; b++) {
    for (uint32_t i = (b - 1) * 65536; i < b * 65536; i++) count += is_prime(i);
    prefix[b] = count;
  }

  if (snappy_checkpoint()) {
    /* Every instance would otherwise share the recorded rand() state. */
    unsigned seed;
    if (getrandom(&seed, sizeof seed, 0) == sizeof seed) srand(seed);
  }

  char line[64];
  while (fgets(line, sizeof line, stdin)) {
    char *end;
    unsigned long n = strtoul(line, &end, 10);
    if (end == line) continue;
    if (n >= LIMIT) {
      printf("%lu: out of range (limit %u)\n", n, LIMIT);
      continue;
    }
    printf("%lu: %s, %u primes up to it\n", n, is_prime((uint32_t)n) ? "prime" : "composite",
           count_upto((uint32_t)n));
    fflush(stdout);
  }
  return 0;
}
