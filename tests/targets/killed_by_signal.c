/* Prints, then dies of SIGSEGV before any snapshot point (a fault is no
 * system call, so exit_group is never reached): ptracer keeps its message
 * "... was killed by signal Segmentation fault before reaching a snapshot
 * point; no snapshot written", exits 1 and leaves no snapshot.
 * exit_snapshot_test.sh runs it (kind=none: no runner of its own).
 * snappy-test: kind=none
 */
#include <stdio.h>

int main(void) {
  printf("about to fault\n");
  fflush(stdout);
  volatile int *volatile nowhere = NULL;
  return *nowhere;
}
