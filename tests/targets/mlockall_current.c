/* mlockall(MCL_CURRENT | MCL_FUTURE) before the snapshot point: every
 * mapping of the program is locked after it, restored as cold, and so is
 * one made after it. Where the caller has neither CAP_IPC_LOCK nor an
 * unlimited RLIMIT_MEMLOCK, recording cannot model the call (the
 * recorder's window would count against the limit) and the snapshot is
 * taken at it: each restored instance then makes the call itself.
 * snappy-test: trigger=checkpoint marker|mlockall\(MCL_CURRENT
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "target_check.h"
#include "vmflags_check.h"

/* How many of the program's mappings smaps shows with and without lo
 * (the kernel's vdso, vvar and vsyscall are never locked). */
static void count_locked(const char *when) {
  char line[1024];
  int locked = 0, unlocked = 0, special = 0;
  FILE *f = fopen("/proc/self/smaps", "r");
  while (f && fgets(line, sizeof line, f)) {
    if (strchr(line, '[') && (strstr(line, "[vdso]") || strstr(line, "[vvar") || strstr(line, "[vsyscall]"))) {
      special = 1;
    } else if (strncmp(line, "VmFlags:", 8) == 0) {
      if (!special && strstr(line, " lo ")) locked++;
      else if (!special) unlocked++;
      special = 0;
    }
  }
  if (f) fclose(f);
  printf("%s: some mappings locked: %s, unlocked mappings: %d\n", when, locked > 0 ? "true" : "false", unlocked);
}

int main(void) {
  static_stdout_buffer();
  setup_done("mlockall(MCL_CURRENT | MCL_FUTURE) next");
  if (mlockall(MCL_CURRENT | MCL_FUTURE)) {
    perror("mlockall");
    return 2;
  }
  count_locked("before");
  fflush(stdout);

  snappy_checkpoint();

  count_locked("after");
  char *later = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (later == MAP_FAILED) return 2;
  print_vmflags("after: a new mapping", later, "lo lf");
  return finish();
}
