/* Built with the marker helper but ends before calling it (the marker sits
 * behind an argument it is never given): the snapshot is taken at
 * exit_group, and ptracer's summary says the marker was not reached,
 * because the marker's path is in the program's memory.
 * snappy-test: expect-exit=0
 * snappy-test: trigger=^ptracer: snapshot .* at exit_group\([0-9]+\) \(the program's end\), .* ms. the marker was not reached$
 */
#include <stdio.h>
#include <string.h>

#include "snappy_checkpoint.h"

int main(int argc, char **argv) {
  printf("setup done\n");
  if (argc > 1 && strcmp(argv[1], "--checkpoint") == 0 && snappy_checkpoint()) printf("restored\n");
  printf("the end, no checkpoint\n");
  return 0;
}
