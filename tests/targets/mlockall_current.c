/* mlockall(MCL_CURRENT | MCL_FUTURE) before the snapshot point: every
 * mapping of the program is locked after it, restored as cold, and so is
 * one made after it. Recording models the call only where the caller has
 * CAP_IPC_LOCK or an unlimited RLIMIT_MEMLOCK (elsewhere the recorder's
 * window would count against the limit, and the snapshot is taken at the
 * call: targets.mlock_limit runs this target with "always" for that). So
 * without either, and without "always", it says so and makes no call.
 */
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
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

/* CAP_IPC_LOCK in the effective set, or no memory-lock limit. */
static int locks_unlimited(void) {
  char line[256];
  unsigned long long caps = 0;
  struct rlimit lim;
  FILE *f = fopen("/proc/self/status", "r");
  while (f && fgets(line, sizeof line, f)) {
    if (sscanf(line, "CapEff: %llx", &caps) == 1) break;
  }
  if (f) fclose(f);
  return (caps & (1ull << 14)) || (getrlimit(RLIMIT_MEMLOCK, &lim) == 0 && lim.rlim_cur == RLIM_INFINITY);
}

int main(int argc, char **argv) {
  static_stdout_buffer();
  if (!(argc > 1 && strcmp(argv[1], "always") == 0) && !locks_unlimited()) {
    setup_done("no CAP_IPC_LOCK and a finite RLIMIT_MEMLOCK: mlockall(MCL_CURRENT) would be the snapshot point");
    snappy_checkpoint();
    return finish();
  }
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
