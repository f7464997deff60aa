"""Workload: py_numpy.py's imports and trivial job, ending through the
interpreter's own shutdown (issue 15: a job that writes memory).

    python3 py_numpy_ending.py [--freeze] [--fast-exit] [--block]

--freeze     checkpoint(freeze=True): gc.collect() and gc.freeze() before
             the marker, so no collection in the instance walks the objects
             it inherited;
--fast-exit  checkpoint(fast_exit=True): the script's end runs the atexit
             handlers, flushes stdio and os._exit(0)s, skipping the final
             collection and the module teardown;
--block      read one line of stdin right after the marker (bench/learned.py
             measures the memory of instances blocked there).
Without either, the end is Python's normal shutdown, which a restored
instance runs too. Run with OPENBLAS_NUM_THREADS=1 and
PYTHONDONTWRITEBYTECODE=1 (see py_numpy.py).
"""
import collections  # noqa: F401
import decimal
import json
import re  # noqa: F401
import sys

import numpy as np

import snappy_checkpoint

snappy_checkpoint.checkpoint(freeze="--freeze" in sys.argv, fast_exit="--fast-exit" in sys.argv)
if "--block" in sys.argv:
    sys.stdin.readline()
a = np.arange(12.0).reshape(3, 4)
print(a.sum(), (a @ a.T).trace(), json.dumps({"x": [1, 2]}), decimal.Decimal(1) / 7)
