/* Memory shared and not shared across a fork after the snapshot point, as
 * cold: a MAP_SHARED|MAP_ANONYMOUS page made after it is one page for parent
 * and child (the child's write is the parent's read), while private
 * anonymous memory written before it is the child's copy (the child reads
 * the parent's bytes, its writes stay its own). Checked in both restore
 * modes (--anon=exact too: shared memory must be right in every mode).
 * snappy-test: also-restore=--anon=exact
 * And as 2 instances of restore -n 2 --anon=exact.
 * snappy-test: also-restore=--anon=exact,-n,2
 */
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "target_check.h"

#define SIZE (4 * 4096)

int main(void) {
  static_stdout_buffer();
  char *priv = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (priv == MAP_FAILED) return 2;
  memset(priv, 'p', SIZE);
  setup_done("a private anonymous region written");

  snappy_checkpoint();

  char *shared = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  check("shared anonymous memory mapped", shared != MAP_FAILED);
  if (shared == MAP_FAILED) return finish();
  shared[0] = 's';
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    int saw = priv[0] == 'p' && priv[SIZE - 1] == 'p' && shared[0] == 's';
    priv[0] = 'c';
    shared[0] = 'c';
    shared[SIZE - 1] = 'e';
    _exit(saw ? 0 : 1);
  }
  int status = -1;
  waitpid(child, &status, 0);
  check("the child saw the parent's private and shared bytes", WIFEXITED(status) && WEXITSTATUS(status) == 0);
  check("the child's shared writes reach the parent", shared[0] == 'c' && shared[SIZE - 1] == 'e');
  check("the child's private write stays the child's", priv[0] == 'p');
  return finish();
}
