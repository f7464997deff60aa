"""Workload: Debian's python3 importing numpy (and a few stdlib modules).

Same shape as py_stdlib.py: imports, snapshot point, a trivial job,
os._exit(0) after flushing; --block reads one line of stdin after the
snapshot point. Run with OPENBLAS_NUM_THREADS=1 (else OpenBLAS starts
threads at import and the recording stops there).
"""
import collections  # noqa: F401
import decimal
import json
import os
import re  # noqa: F401
import sys

import numpy as np

import snappy_checkpoint


def job():
    a = np.arange(12.0).reshape(3, 4)
    print(a.sum(), (a @ a.T).trace(), json.dumps({"x": [1, 2]}), decimal.Decimal(1) / 7,
          flush=True)
    os._exit(0)


if __name__ == "__main__":
    snappy_checkpoint.checkpoint()
    if "--block" in sys.argv:
        sys.stdin.readline()
    job()
