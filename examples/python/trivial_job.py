"""The smallest pre-warmed job, for timing: import the usual modules and
numpy, mark the snapshot point, do a trivial computation, leave with
os._exit (skipping interpreter shutdown, which writes to most objects and
so touches most of the snapshot's pages copy-on-write).

    PYTHONPATH=examples/python OPENBLAS_NUM_THREADS=1 PYTHONDONTWRITEBYTECODE=1 \\
        build/ptracer/ptracer -o /tmp/trivial /usr/bin/python3 examples/python/trivial_job.py
    hyperfine -N 'build/restore/restore /tmp/trivial' \\
        '/usr/bin/python3 examples/python/trivial_job.py'
"""

import collections  # noqa: F401
import decimal
import json
import os
import re  # noqa: F401

import numpy as np

import snappy_checkpoint

restored = snappy_checkpoint.checkpoint()
a = np.arange(12.0).reshape(3, 4)
print("restored" if restored else "cold", a.sum(), json.dumps({"x": [1, 2]}), decimal.Decimal(1) / 7, flush=True)
os._exit(0)
