/* Exit status propagation: exit(42) after the checkpoint, through an atexit
 * handler registered before it.
 * snappy-test: expect-exit=42
 */
#include "target_check.h"

static void at_exit_handler(void) {
  printf("atexit handler ran\n");
}

int main(void) {
  if (atexit(at_exit_handler) != 0) return 2;
  setup_done("atexit handler registered");
  snappy_checkpoint();
  printf("exiting with 42\n");
  exit(42);
}
