// A live target for snap's VmFlags: regions locked with mlock and
// mlock2(MLOCK_ONFAULT), advised MADV_DONTFORK and MADV_WIPEONFORK, and
// MAP_DROPPABLE memory where the kernel has it (Linux 6.11). Prints
// "ready PID", then "region NAME 0xADDR" for each, and waits for a line on
// stdin before it exits 0.
// usage: vmflags_live
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096

static char *region(int extra_flags) {
  // A page with a PROT_NONE guard after it: no two regions merge.
  char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | extra_flags, -1, 0);
  if (p == MAP_FAILED) return NULL;
  mprotect(p + PAGE, PAGE, PROT_NONE);
  memset(p, 'x', PAGE);
  return p;
}

int main(void) {
  char *locked = region(MAP_PRIVATE), *onfault = region(MAP_PRIVATE);
  char *nofork = region(MAP_PRIVATE), *wipe = region(MAP_PRIVATE);
  char *droppable = region(0x08 /* MAP_DROPPABLE */);
  if (!locked || !onfault || !nofork || !wipe || mlock(locked, PAGE) || mlock2(onfault, PAGE, MLOCK_ONFAULT) ||
      madvise(nofork, PAGE, MADV_DONTFORK) || madvise(wipe, PAGE, MADV_WIPEONFORK)) {
    perror("vmflags_live");
    return 2;
  }
  printf("ready %d\n", getpid());
  printf("region mlock %p\nregion mlock2_onfault %p\nregion dontfork %p\nregion wipeonfork %p\n", (void *)locked,
         (void *)onfault, (void *)nofork, (void *)wipe);
  if (droppable) printf("region droppable %p\n", (void *)droppable);
  fflush(stdout);
  char line[64];
  if (!fgets(line, sizeof line, stdin)) return 1;
  return 0;
}
