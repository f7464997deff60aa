/* MAP_DROPPABLE memory (Linux 6.11) stays droppable across the snapshot:
 * smaps shows dp (with the wf dd nr it implies) after the snapshot point as
 * before, its stored bytes are there, and a child forked after it reads
 * zeros (droppable memory is wiped on fork). On an older kernel the mmap
 * fails with EINVAL, cold and restored alike.
 * snappy-test: learn=yes
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "target_check.h"
#include "vmflags_check.h"

#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE 0x08
#endif
#define PAGE 4096
#define WORDS "nr dd wf dp lo"

int main(void) {
  static_stdout_buffer();
  char *d = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_DROPPABLE | MAP_ANONYMOUS, -1, 0);
  char *ro = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_DROPPABLE | MAP_ANONYMOUS, -1, 0);
  if (d == MAP_FAILED || ro == MAP_FAILED) {
    printf("no MAP_DROPPABLE: %s\n", errno == EINVAL ? "EINVAL" : strerror(errno));
    return finish();
  }
  memset(d, 'a', PAGE);
  memset(d + 2 * PAGE, 'c', PAGE);
  ro[PAGE] = 'r';
  if (mprotect(ro, 2 * PAGE, PROT_READ)) return 2;
  print_vmflags("before: droppable", d, WORDS);
  print_vmflags("before: droppable, read-only", ro, WORDS);
  setup_done("droppable memory: pages 0 and 2 written, and a read-only one");

  snappy_checkpoint();

  print_vmflags("after: droppable", d, WORDS);
  print_vmflags("after: droppable, read-only", ro, WORDS);
  int intact = ro[0] == 0 && ro[PAGE] == 'r';
  for (int i = 0; i < PAGE; i++) {
    intact &= d[i] == 'a' && d[PAGE + i] == 0 && d[2 * PAGE + i] == 'c' && d[3 * PAGE + i] == 0;
  }
  /* The kernel may drop these pages under memory pressure (then they read
   * zero): none here, the test machine is not short of memory. */
  check("the stored bytes are there", intact);
  d[3 * PAGE] = 'd'; /* still writable memory */
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    int zeros = 1;
    for (int i = 0; i < 4 * PAGE; i++) zeros &= d[i] == 0;
    printf("child: droppable memory reads zeros: %s\n", zeros ? "true" : "false");
    fflush(stdout);
    _exit(zeros ? 0 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  check("the child saw zeros", WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return finish();
}
