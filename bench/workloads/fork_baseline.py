"""Fork baseline: what a fork server gives at best.

    fork_baseline.py MODULE RUNS

Imports workload MODULE (py_numpy or py_stdlib: the same imports as the
recorded program) once, then forks RUNS times, one at a time: the child runs
MODULE.job() (trivial work, flush, os._exit(0)), the parent waits for it.
Each fork-to-reap is timed with CLOCK_MONOTONIC. Children write to
/dev/null; the result goes to the original stdout as key=value lines in ms
(the same keys as launch prints).
"""
import importlib
import os
import sys
import time

module = importlib.import_module(sys.argv[1])
runs = int(sys.argv[2])

out = os.dup(1)
null = os.open(os.devnull, os.O_WRONLY)
os.dup2(null, 1)
os.dup2(null, 2)

times, failures = [], 0
for _ in range(runs):
    t0 = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
    pid = os.fork()
    if pid == 0:
        module.job()  # never returns
        os._exit(1)
    _, status = os.waitpid(pid, 0)
    times.append((time.clock_gettime_ns(time.CLOCK_MONOTONIC) - t0) / 1e6)
    failures += os.waitstatus_to_exitcode(status) != 0

s = sorted(times)
n = len(s)
median = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
p99 = s[max(1, -(-99 * n // 100)) - 1]
os.write(out, (f"runs={n}\nfailures={failures}\nmedian={median:.4f}\np99={p99:.4f}\n"
               f"min={s[0]:.4f}\nmax={s[-1]:.4f}\n").encode())
