/* prctl(PR_SET_THP_DISABLE, 1) before the snapshot point (Ruby does it at
 * startup): the recording goes on (it only sets MMF_DISABLE_THP on the
 * mm), capture reads "THP_enabled: 0" from /proc/PID/status and restore
 * sets it again, so PR_GET_THP_DISABLE and /proc/self/status answer after
 * the snapshot point as in a cold run.
 */
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include "target_check.h"

static void print_thp_status(void) {
  char line[256];
  FILE *f = fopen("/proc/self/status", "r");
  if (!f) {
    printf("cannot open /proc/self/status\n");
    return;
  }
  while (fgets(line, sizeof(line), f)) {
    if (strncmp(line, "THP_enabled:", 12) == 0) printf("%s", line);
  }
  fclose(f);
}

int main(void) {
  check("PR_SET_THP_DISABLE", prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0);
  setup_done("THP disabled");
  snappy_checkpoint();
  printf("PR_GET_THP_DISABLE = %d\n", prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0));
  print_thp_status();
  check("THP still disabled", prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) == 1);
  return finish();
}
