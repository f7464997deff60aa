/* What madvise made of a mapping survives the snapshot: MADV_WIPEONFORK,
 * MADV_DONTFORK, MADV_DONTDUMP, MADV_SEQUENTIAL and MAP_NORESERVE show in
 * smaps' VmFlags after the snapshot point as before, and a child forked after it sees zeros in the
 * WIPEONFORK region (not the bytes written before) and no DONTFORK region.
 * Also restored with --anon=exact (stored pages read in, not mapped).
 * snappy-test: also-restore=--anon=exact
 * And as 2 instances of restore -n 2: each instance, not restore, advises
 * DONTFORK and WIPEONFORK after its fork (advised before, every instance
 * would lack the DONTFORK region and read zeros in the WIPEONFORK one).
 * snappy-test: also-restore=-n,2
 * snappy-test: learn=yes
 */
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "target_check.h"

#define SIZE (4 * 4096)

/* The advice words of VmFlags for the mapping starting at `start`. */
static void print_vmflags(const char *name, void *start) {
  char header[32], line[512], words[512] = "";
  snprintf(header, sizeof header, "%lx-", (unsigned long)start);
  FILE *f = fopen("/proc/self/smaps", "r");
  int in = 0;
  while (f && fgets(line, sizeof line, f)) {
    if (strncmp(line, header, strlen(header)) == 0) in = 1;
    else if (in && strncmp(line, "VmFlags:", 8) == 0) {
      for (char *w = strtok(line + 8, " \n"); w; w = strtok(NULL, " \n")) {
        if (!strcmp(w, "wf") || !strcmp(w, "dc") || !strcmp(w, "dd") || !strcmp(w, "sr") ||
            !strcmp(w, "nr")) {
          strcat(words, " ");
          strcat(words, w);
        }
      }
      break;
    }
  }
  if (f) fclose(f);
  printf("%s VmFlags:%s\n", name, words);
}

int main(void) {
  static_stdout_buffer();
  char *area = mmap(NULL, 9 * SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (area == MAP_FAILED) return 2;
  /* Three regions with gaps between, so the kernel keeps them apart. */
  char *wipe = area, *nofork = area + 2 * SIZE, *nodump = area + 4 * SIZE;
  char *seq = area + 6 * SIZE, *noreserve = area + 8 * SIZE;
  for (int i = 1; i < 9; i += 2) munmap(area + i * SIZE, SIZE);
  if (mmap(noreserve, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
           -1, 0) != noreserve)
    return 2;
  seq[0] = 's';
  noreserve[0] = 'n';
  memset(wipe, 'w', SIZE);
  memset(nofork, 'f', SIZE);
  memset(nodump, 'd', SIZE);
  if (madvise(wipe, SIZE, MADV_WIPEONFORK) || madvise(nofork, SIZE, MADV_DONTFORK) ||
      madvise(nodump, SIZE, MADV_DONTDUMP) || madvise(seq, SIZE, MADV_SEQUENTIAL))
    return 2;
  setup_done("five regions written: WIPEONFORK, DONTFORK, DONTDUMP, SEQUENTIAL, NORESERVE");

  snappy_checkpoint();

  print_vmflags("wipeonfork", wipe);
  print_vmflags("dontfork", nofork);
  print_vmflags("dontdump", nodump);
  print_vmflags("sequential", seq);
  print_vmflags("noreserve", noreserve);
  check("the parent still has its bytes", wipe[0] == 'w' && nofork[0] == 'f' && nodump[SIZE - 1] == 'd' &&
                                                   seq[0] == 's' && noreserve[0] == 'n');
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    int zeros = 1;
    for (int i = 0; i < SIZE; i++) zeros &= wipe[i] == 0;
    /* The DONTFORK region is not mapped in the child: mincore says ENOMEM. */
    unsigned char vec[4];
    int unmapped = mincore(nofork, SIZE, vec) != 0;
    printf("child: WIPEONFORK region reads zeros: %s\n", zeros ? "true" : "false");
    printf("child: DONTFORK region absent: %s\n", unmapped ? "true" : "false");
    fflush(stdout);
    _exit(zeros && unmapped ? 0 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  check("the child saw what fork promises", WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return finish();
}
