/* snappy_checkpoint.h: mark the snapshot point of a program recorded by
 * snappy-start, and learn afterwards whether this run is a restored one.
 *
 * The contract (docs/DESIGN.md, "Snapshot points"): the program calls
 * access("/proc/snappy-start/checkpoint", F_OK). Nobody can create a file in
 * /proc, so in a plain run that path never exists and the call fails with
 * ENOENT. `ptracer` takes the snapshot at that syscall's entry; every
 * instance that `restore` brings up resumes at the same call and sees it
 * succeed. So snappy_checkpoint() returns 0 in a cold run (and in the run
 * being recorded, which is killed there) and 1 in a restored instance.
 *
 * Call it once, at the point where the expensive, deterministic part of
 * startup is done and before the program does anything the recorder cannot
 * snapshot (fork, sockets, creating or writing files, reading stdin).
 *
 * Every restored instance starts from the same memory: the same PRNG state
 * (rand(), random(), your own generators), the same hash seeds, the same
 * cached pid and clock readings. When snappy_checkpoint() returns 1, reseed
 * what must differ between instances, e.g. from getrandom(2).
 *
 * `restore NAME ARGS...` hands the instance the caller's invocation (README,
 * "restore"): /proc/self/cmdline is the recorded argv[0] followed by ARGS,
 * /proc/self/environ the caller's environment (edited by --env and
 * --clear-env) and the cwd the caller's. The program's own argv and environ
 * still hold the recorded ones until it calls snappy_invocation().
 *
 * Header only, C and C++, no dependencies beyond libc. errno is preserved.
 */
#ifndef SNAPPY_CHECKPOINT_H
#define SNAPPY_CHECKPOINT_H

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

#define SNAPPY_CHECKPOINT_PATH "/proc/snappy-start/checkpoint"

/* Returns 1 when this process now runs restored from a snapshot, else 0. */
static inline int snappy_checkpoint(void) {
  int saved_errno = errno;
  int restored = access(SNAPPY_CHECKPOINT_PATH, F_OK) == 0;
  errno = saved_errno;
  return restored;
}

/* The whole of /proc/self/FILE in a malloc'd buffer with one NUL added
 * after it (a last string the kernel left unterminated ends there); 0 on
 * failure, with errno set. */
static inline char *snappy_read_self_(const char *path, size_t *size) {
  size_t capacity = 4096, used = 0;
  char *buf = (char *)malloc(capacity);
#ifdef O_CLOEXEC /* hidden by strict -std=c99 */
  int fd = open(path, O_RDONLY | O_CLOEXEC);
#else
  int fd = open(path, O_RDONLY);
#endif
  if (!buf || fd < 0) goto fail;
  for (;;) {
    ssize_t n;
    if (used + 1 == capacity) {
      char *bigger = (char *)realloc(buf, capacity * 2);
      if (!bigger) goto fail;
      buf = bigger;
      capacity *= 2;
    }
    n = read(fd, buf + used, capacity - 1 - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) goto fail;
    if (n == 0) break;
    used += (size_t)n;
  }
  close(fd);
  buf[used] = 0;
  *size = used;
  return buf;
fail:
  if (fd >= 0) close(fd);
  free(buf);
  return 0;
}

/* Whether `list` (NULL-terminated) is the NUL-separated strings of
 * buf[0, size). */
static inline int snappy_same_strings_(char *const *list, const char *buf, size_t size) {
  size_t at = 0;
  for (; *list; ++list) {
    size_t n = strlen(*list) + 1;
    if (n > size - at || memcmp(buf + at, *list, n) != 0) return 0;
    at += n;
  }
  return at == size;
}

/* A NULL-terminated malloc'd array of the strings of buf[0, size) (which
 * has a NUL at buf[size]); *count their number. */
static inline char **snappy_split_(char *buf, size_t size, int *count) {
  size_t n = 0, at;
  char **list;
  for (at = 0; at < size; at += strlen(buf + at) + 1) ++n;
  list = (char **)malloc((n + 1) * sizeof(char *));
  if (!list) return 0;
  n = 0;
  for (at = 0; at < size; at += strlen(buf + at) + 1) list[n++] = buf + at;
  list[n] = 0;
  *count = (int)n;
  return list;
}

/* Adopts the invocation `restore` was given. Call it in a restored
 * instance only (when snappy_checkpoint() returned 1), with main's argc and
 * argv (or where you keep them):
 *
 *   if (snappy_checkpoint()) snappy_invocation(&argc, &argv);
 *
 * It reads /proc/self/cmdline and /proc/self/environ and changes:
 *   - *argc and *argv, when cmdline differs from the strings of *argv: then
 *     *argv is a new malloc'd array of cmdline's strings, as the program
 *     would have received them from `PROG ARGS...` (argv[0] is the recorded
 *     program's; an argument may be empty; (*argv)[*argc] is NULL);
 *   - environ, when environ differs from the strings of environ: then
 *     environ is a new malloc'd array of environ's strings. getenv, setenv
 *     and exec*() use it; a variable the program set before its snapshot
 *     point is gone (set it again after this call).
 * Nothing else: the cwd needs no adopting (restore leaves the instance in
 * its caller's), and the old arrays and strings stay where they were. The
 * new ones are never freed (like the originals, they live as long as the
 * process). Without an invocation (`restore NAME`) nothing differs and
 * nothing changes.
 *
 * Returns 0, or -1 if /proc/self could not be read or memory ran out; then
 * nothing changed. errno is left as it was either way, as in a cold run,
 * where this call does not happen. */
static inline int snappy_invocation(int *argc, char ***argv) {
  int saved_errno = errno, arg_count = 0, env_count = 0;
  size_t arg_size = 0, env_size = 0;
  char **new_argv = 0, **new_env = 0;
  char *args = snappy_read_self_("/proc/self/cmdline", &arg_size);
  char *env = args ? snappy_read_self_("/proc/self/environ", &env_size) : 0;
  int keep_args = args && snappy_same_strings_(*argv, args, arg_size);
  int keep_env = env && snappy_same_strings_(environ, env, env_size);
  if (env && !keep_args) new_argv = snappy_split_(args, arg_size, &arg_count);
  if (env && !keep_env) new_env = snappy_split_(env, env_size, &env_count);
  if (!env || (!keep_args && !new_argv) || (!keep_env && !new_env)) {
    free(new_argv);
    free(new_env);
    free(args);
    free(env);
    errno = saved_errno;
    return -1;
  }
  if (keep_args) {
    free(args);
  } else {
    *argc = arg_count;
    *argv = new_argv;
  }
  if (keep_env) {
    free(env);
  } else {
    environ = new_env;
  }
  errno = saved_errno;
  return 0;
}

#endif /* SNAPPY_CHECKPOINT_H */
