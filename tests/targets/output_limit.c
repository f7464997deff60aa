/* More output before the checkpoint than the recorder keeps for replay
 * (64 MiB): the snapshot is taken at the write that would pass the limit
 * instead, and every restored instance performs that write and the rest
 * for real, so its output still equals a cold run's.
 * snappy-test: trigger=at write\(1.*\) .output to replay would exceed 64 MiB.
 */
#include <string.h>
#include <unistd.h>

#include "target_check.h"

int main(void) {
  static char block[1 << 20];
  memset(block, 'x', sizeof(block));
  block[sizeof(block) - 1] = '\n';
  for (int i = 0; i < 70; i++) {
    if (write(1, block, sizeof(block)) != (ssize_t)sizeof(block)) return 2;
  }
  snappy_checkpoint();
  printf("after the checkpoint\n");
  return 0;
}
