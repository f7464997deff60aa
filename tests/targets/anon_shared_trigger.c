/* Shared anonymous memory made before any snapshot point ends the recording
 * at its mmap (restore does not recreate shared memory: README "What is
 * refused"), so every restored instance makes it for real and shares it
 * with its children exactly as a cold run does, in either restore mode.
 * Private anonymous memory written before that point stays private in the
 * child.
 * snappy-test: trigger=at mmap\(.*MAP_SHARED.MAP_ANONYMOUS
 * snappy-test: also-restore=--anon=exact
 * And as 2 instances of restore -n 2 --anon=exact.
 * snappy-test: also-restore=--anon=exact,-n,2
 */
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "target_check.h"

#define SIZE (2 * 4096)

int main(void) {
  static_stdout_buffer();
  char *priv = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (priv == MAP_FAILED) return 2;
  memset(priv, 'p', SIZE);
  setup_done("a private anonymous region written");

  char *shared = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  check("shared anonymous memory mapped", shared != MAP_FAILED);
  if (shared == MAP_FAILED) return finish();
  check("it reads zeros", shared[0] == 0 && shared[SIZE - 1] == 0);
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    shared[SIZE - 1] = 'c';
    priv[0] = 'c';
    _exit(0);
  }
  int status = -1;
  waitpid(child, &status, 0);
  check("the child exited 0", WIFEXITED(status) && WEXITSTATUS(status) == 0);
  check("the child's shared write reaches the parent", shared[SIZE - 1] == 'c');
  check("the child's private write stays the child's", priv[0] == 'p');
  return finish();
}
