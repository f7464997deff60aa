"""Pre-warmed numpy: pay for the imports once, start in a millisecond.

Importing numpy and friends takes Debian's Python well over 100 ms. Record
this script once; every `restore` then starts right after the imports:

    export PYTHONPATH=examples/python        # for snappy_checkpoint
    export PYTHONDONTWRITEBYTECODE=1         # .pyc writes end the recording
    export OPENBLAS_NUM_THREADS=1            # so do OpenBLAS's threads
    ptracer -o /tmp/numpy /usr/bin/python3 examples/python-prewarm/prewarm_numpy.py
    time restore /tmp/numpy                  # restored
    time /usr/bin/python3 examples/python-prewarm/prewarm_numpy.py   # cold

A restored instance resumes inside checkpoint() with the recorded argv,
environment and memory -- including the PRNG states, which reseed=True
refreshes -- and the restoring caller's stdin, stdout and stderr. So the
job comes from stdin: here, optional numbers to put through the model
(one per line); without any, a random sample is drawn.
"""

import os
import sys
import time

_t0 = time.perf_counter()

import collections  # noqa: E402  (the point is to import before the checkpoint)
import decimal  # noqa: E402,F401
import json  # noqa: E402
import statistics  # noqa: E402,F401

import numpy as np  # noqa: E402

import snappy_checkpoint  # noqa: E402

# Setup worth snapshotting: a fitted model (a least-squares fit).
_x = np.linspace(0.0, 10.0, 2000)
_design = np.vander(_x, 10)
_coeffs, *_ = np.linalg.lstsq(_design, np.sin(_x), rcond=None)
_setup_ms = (time.perf_counter() - _t0) * 1000

restored = snappy_checkpoint.checkpoint(reseed=True)
# From here on, this runs in every restored instance.

inputs = [float(t) for t in sys.stdin.read().split()] if not sys.stdin.isatty() else []
if not inputs:
    inputs = list(np.random.uniform(0.0, 10.0, 3))  # differs per instance after reseed
predictions = np.vander(np.array(inputs), 10) @ _coeffs
summary = collections.OrderedDict(
    restored=restored,
    pid=os.getpid(),
    setup_ms_recorded=round(_setup_ms, 1),
    predictions={f"{t:.3f}": round(float(p), 4) for t, p in zip(inputs, predictions)},
)
print(json.dumps(summary), flush=True)
# Leave without the interpreter's shutdown: it writes to most objects, and
# in a restored instance every first write to a snapshot page is a
# copy-on-write fault. The job is done and its output flushed.
os._exit(0)
