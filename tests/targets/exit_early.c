/* Exits with status 7 and reaches no other snapshot point: the snapshot is
 * taken at exit_group (the program's end), and every restore replays the
 * line printed and exits 7 too.
 * snappy-test: expect-exit=7
 * snappy-test: trigger=^ptracer: snapshot .* at exit_group\([0-9]+\) \(the program's end\)
 */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  printf("exiting before any checkpoint\n");
  fflush(stdout);
  exit(7);
}
