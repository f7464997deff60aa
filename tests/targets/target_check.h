/* Shared by the integration targets (tests/targets/NAME.c): how a target
 * reports what it checked.
 *
 * A target prints what it set up before snappy_checkpoint() and what it
 * checked after it. run_target.sh compares a cold run's stdout, stderr and
 * exit status with those of three restored instances byte for byte, and the
 * cold run's status with the expected one, so everything printed must be
 * deterministic: no addresses, pids, tids, times, only facts.
 */
#ifndef SNAPPY_TARGET_CHECK_H
#define SNAPPY_TARGET_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snappy_checkpoint.h"

static int target_failures;

/* Prints "WHAT: true|false"; a false counts as a failure. */
static inline void check(const char *what, int ok) {
  printf("%s: %s\n", what, ok ? "true" : "false");
  if (!ok) target_failures++;
}

/* Prints a setup line and writes it out now, before the checkpoint, so that
 * it is part of the output the restorer replays. */
static inline void setup_done(const char *what) {
  printf("setup: %s\n", what);
  fflush(stdout);
}

/* Gives stdout a static buffer, so that printing never allocates. Targets
 * that leave holes in the address space call it first: while recorded, brk
 * fails and malloc (stdio's buffer) falls back to mmap, which could land in
 * a hole made before the checkpoint; in a cold run it would not. */
static inline void static_stdout_buffer(void) {
  static char buffer[1 << 16];
  setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
}

/* Whether fd `fd` is open on `path` (what /proc/self/fd/FD links to). */
static inline int fd_names(int fd, const char *path) {
  char link[64], got[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, got, sizeof got - 1);
  if (n < 0) return 0;
  got[n] = 0;
  return strcmp(got, path) == 0;
}

/* The files the fd targets open: their source directory (argv[1], made
 * absolute), its input_lines.txt and the target's own SOURCE there. */
struct source_files {
  char dir[4096], lines[4096 + 32], self[4096 + 32];
};

/* Fills `f` for SOURCE under DIR; 0 if DIR cannot be resolved. */
static inline int find_source_files(struct source_files *f, const char *dir, const char *source) {
  if (!realpath(dir, f->dir)) return 0;
  snprintf(f->lines, sizeof f->lines, "%s/input_lines.txt", f->dir);
  snprintf(f->self, sizeof f->self, "%s/%s", f->dir, source);
  return 1;
}

/* The exit status of a target that checks things: 0 when all held. */
static inline int finish(void) {
  printf("%s\n", target_failures ? "FAILED" : "PASSED");
  fflush(stdout);
  return target_failures ? 1 : 0;
}

#endif /* SNAPPY_TARGET_CHECK_H */
