"""Workload: py_numpy.py's imports and job, ending through Python's normal
shutdown (module teardown, the collector, atexit) instead of os._exit: the
job that writes most of the inherited memory (bench/learned.py, issue 15).
--block reads one line of stdin after the snapshot point.
"""
import collections  # noqa: F401
import decimal
import json
import re  # noqa: F401
import sys

import numpy as np

import snappy_checkpoint


def job():
    a = np.arange(12.0).reshape(3, 4)
    print(a.sum(), (a @ a.T).trace(), json.dumps({"x": [1, 2]}), decimal.Decimal(1) / 7)


if __name__ == "__main__":
    snappy_checkpoint.checkpoint()
    if "--block" in sys.argv:
        sys.stdin.readline()
    job()
