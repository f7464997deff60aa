/* Exits with status 7 before any snapshot point: recording it must fail
 * cleanly (no_trigger_test.sh), leaving no snapshot.
 * snappy-test: kind=no-trigger
 * snappy-test: expect-exit=7
 */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  printf("exiting before any checkpoint\n");
  fflush(stdout);
  exit(7);
}
