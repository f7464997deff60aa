/* snappy_checkpoint.h: mark the snapshot point of a program recorded by
 * snappy-start, and learn afterwards whether this run is a restored one.
 *
 * The contract (DESIGN.md, "Recording"): the program calls
 * access("/proc/snappy-start/checkpoint", F_OK). Nobody can create a file in
 * /proc, so in a plain run that path never exists and the call fails with
 * ENOENT. `ptracer` takes the snapshot at that syscall's entry; every
 * instance that `restore` brings up resumes at the same call and sees it
 * succeed. So snappy_checkpoint() returns 0 in a cold run (and in the run
 * being recorded, which is killed there) and 1 in a restored instance.
 *
 * Call it once, at the point where the expensive, deterministic part of
 * startup is done and before the program does anything the recorder cannot
 * snapshot (threads, fork, sockets, pipes, files opened for writing).
 *
 * Every restored instance starts from the same memory: the same PRNG state
 * (rand(), random(), your own generators), the same hash seeds, the same
 * cached pid and clock readings. When snappy_checkpoint() returns 1, reseed
 * what must differ between instances, e.g. from getrandom(2).
 *
 * Header only, C and C++, no dependencies beyond libc. errno is preserved.
 */
#ifndef SNAPPY_CHECKPOINT_H
#define SNAPPY_CHECKPOINT_H

#include <errno.h>
#include <unistd.h>

#define SNAPPY_CHECKPOINT_PATH "/proc/snappy-start/checkpoint"

/* Returns 1 when this process now runs restored from a snapshot, else 0. */
static inline int snappy_checkpoint(void) {
  int saved_errno = errno;
  int restored = access(SNAPPY_CHECKPOINT_PATH, F_OK) == 0;
  errno = saved_errno;
  return restored;
}

#endif /* SNAPPY_CHECKPOINT_H */
