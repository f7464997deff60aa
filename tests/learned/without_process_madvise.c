/* without_process_madvise PROG ARGS...: runs PROG with process_madvise
 * failing EINVAL (a seccomp filter, as a kernel before 6.13 answers advice
 * on oneself), so that the learned set's fallback, one madvise per range,
 * is what restore uses (tests/learned/learned_test.sh).
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: without_process_madvise PROG ARGS...\n");
    return 2;
  }
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EINVAL), SCMP_SYS(process_madvise), 0) != 0 ||
      seccomp_load(ctx) != 0) {
    fprintf(stderr, "without_process_madvise: cannot install the seccomp filter\n");
    return 1;
  }
  seccomp_release(ctx);
  execv(argv[1], argv + 1);
  fprintf(stderr, "without_process_madvise: %s: %s\n", argv[1], strerror(errno));
  return 127;
}
