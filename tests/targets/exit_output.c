/* A program that only computes and prints, on stdout and on stderr, then
 * returns 0 from main: no marker, no trigger before its end. The snapshot
 * is taken at exit_group; a restore replays both streams byte for byte (in
 * stdio's buffered pieces) and exits 0.
 * snappy-test: variants=pie,static
 * snappy-test: trigger=ptracer: snapshot .* at exit_group\([0-9]+\) \(the program's end\)
 */
#include <stdio.h>

int main(void) {
  unsigned long long sum = 0;
  for (unsigned i = 1; i <= 1000000; ++i) sum += (unsigned long long)i * i % 1000003;
  for (int i = 0; i < 200; ++i) printf("line %d: %llu\n", i, sum + (unsigned long long)i);
  fprintf(stderr, "a warning on stderr\n");
  printf("sum %llu\n", sum);
  fprintf(stderr, "no newline at the end of stderr");
  return 0;
}
