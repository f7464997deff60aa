/* Memory locks survive the snapshot: mlock, mlock2(MLOCK_ONFAULT),
 * mmap(MAP_LOCKED), and an mlock undone by munlock show the same smaps
 * VmFlags (lo, lf) after the snapshot point as before, the locked total
 * (VmLck) is the same, the contents are intact, and a child forked after
 * the point has no locks (fork(2) does not inherit them).
 * Six pages locked in all: within any RLIMIT_MEMLOCK but 0.
 * snappy-test: learn=yes
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "target_check.h"
#include "vmflags_check.h"

#define PAGE 4096
#define SIZE (2 * PAGE)
#define WORDS "lo lf"

int main(void) {
  static_stdout_buffer();
  /* Four regions with gaps between, so the kernel keeps them apart. */
  char *area = mmap(NULL, 8 * SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (area == MAP_FAILED) return 2;
  char *locked = area, *onfault = area + 2 * SIZE, *maplocked = area + 4 * SIZE, *unlocked = area + 6 * SIZE;
  for (int i = 1; i < 8; i += 2) munmap(area + i * SIZE, SIZE);
  munmap(maplocked, SIZE);
  if (mmap(maplocked, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_LOCKED, -1, 0) !=
      maplocked)
    return 2;
  memset(locked, 'l', SIZE);
  onfault[PAGE] = 'o'; /* one of its two pages faulted in */
  memset(maplocked, 'm', SIZE);
  memset(unlocked, 'u', SIZE);
  if (mlock(locked, SIZE) || mlock2(onfault, SIZE, MLOCK_ONFAULT) || mlock(unlocked, SIZE) ||
      munlock(unlocked, SIZE)) {
    perror("mlock");
    return 2;
  }
  print_vmflags("before: mlock", locked, WORDS);
  print_vmflags("before: mlock2 ONFAULT", onfault, WORDS);
  print_vmflags("before: MAP_LOCKED", maplocked, WORDS);
  print_vmflags("before: munlocked", unlocked, WORDS);
  printf("before: VmLck %ld kB\n", locked_kib());
  setup_done("four regions: mlock, mlock2(MLOCK_ONFAULT), MAP_LOCKED, mlock then munlock");

  snappy_checkpoint();

  print_vmflags("after: mlock", locked, WORDS);
  print_vmflags("after: mlock2 ONFAULT", onfault, WORDS);
  print_vmflags("after: MAP_LOCKED", maplocked, WORDS);
  print_vmflags("after: munlocked", unlocked, WORDS);
  printf("after: VmLck %ld kB\n", locked_kib());
  int intact = onfault[0] == 0 && onfault[PAGE] == 'o';
  for (int i = 0; i < SIZE; i++) intact &= locked[i] == 'l' && maplocked[i] == 'm' && unlocked[i] == 'u';
  check("the contents are intact", intact);
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    print_vmflags("child: mlock", locked, WORDS);
    printf("child: VmLck %ld kB\n", locked_kib());
    fflush(stdout);
    _exit(locked_kib() == 0 ? 0 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  check("the child holds no locks", WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return finish();
}
