"""Mark the snapshot point of a Python program recorded by snappy-start.

    import numpy, pandas          # the slow, deterministic part of startup
    import snappy_checkpoint
    restored = snappy_checkpoint.checkpoint(reseed=True)
    # ... from here on, every restored instance starts in about a millisecond

The contract (DESIGN.md, "Recording"): the program calls
access("/proc/snappy-start/checkpoint", F_OK). Nobody can create a file in
/proc, so in a plain run the call fails; `ptracer` takes the snapshot at
that syscall, and every instance `restore` brings up resumes there with the
call succeeding. So checkpoint() returns False in a cold run and True in a
restored instance.

Call it once, after the imports and setup you want to skip, and before the
program starts threads, forks, opens sockets or pipes, or opens files for
writing: the recorder stops at the first of those. Record with
PYTHONDONTWRITEBYTECODE=1 (writing .pyc files ends the recording early) and
OPENBLAS_NUM_THREADS=1 (OpenBLAS starts threads when numpy is imported).

Every restored instance starts from the same memory: the same `random`
state, the same numpy global RandomState, the same str hash seed (set
iteration order is the recorded one), the same cached pid and times. Pass
reseed=True to reseed `random` and numpy's legacy global generator from
os.urandom when restored; reseed your own generators yourself. The hash
seed cannot be changed in a running interpreter.

Pure Python, standard library only; numpy is never imported here.
"""

import os
import sys

CHECKPOINT_PATH = "/proc/snappy-start/checkpoint"

__all__ = ["CHECKPOINT_PATH", "checkpoint"]


def checkpoint(reseed=False):
    """Marks the snapshot point. Returns True when running restored.

    With reseed=True, a restored instance reseeds `random` and, if numpy was
    already imported, numpy.random's legacy global generator, from
    os.urandom.
    """
    restored = os.access(CHECKPOINT_PATH, os.F_OK)
    if restored and reseed:
        _reseed()
    return restored


def _reseed():
    import random

    random.seed(os.urandom(32))
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        # seed() without an argument draws fresh entropy from the OS.
        numpy.random.seed()
