"""Integration target: Debian's Python with numpy and several stdlib
modules imported before the checkpoint, deterministic work after it.

run_target.sh records it (the annotations below: Debian's /usr/bin/python3,
not the pyenv one on PATH; PYTHONPATH=examples/python, OPENBLAS_NUM_THREADS=1
or OpenBLAS starts threads at import, PYTHONDONTWRITEBYTECODE=1 or Python
writes .pyc files), restores it three times and compares stdout, stderr and
the exit status with a cold run. Print only
what is deterministic: nothing ordered by str hashes (sets, dict of sets),
no addresses, pids or times.
"""
# snappy-test: case=python_numpy
# snappy-test: run=/usr/bin/python3,@FILE@
# snappy-test: env=PYTHONPATH=@SRCDIR@/examples/python,OPENBLAS_NUM_THREADS=1,PYTHONDONTWRITEBYTECODE=1
# snappy-test: unset=PYTHONHOME,PYTHONSTARTUP,PYTHONSAFEPATH
# snappy-test: timeout=600

import collections
import datetime
import decimal
import fractions
import hashlib
import json
import re
import sys

import numpy as np

import snappy_checkpoint

# Setup: data built before the checkpoint, printed now (replayed).
words = re.findall(r"[a-z]+", "the quick brown fox jumps over the lazy dog " * 50)
counts = collections.Counter(words)
table = {f"k{i:03d}": i * i for i in range(200)}
matrix_seed = 20240601
print(f"setup: python {sys.version_info[0]}.{sys.version_info[1]}, numpy {np.__version__}")
print(f"setup: {len(words)} words, {len(counts)} distinct, {len(table)} table entries")
sys.stdout.flush()

snappy_checkpoint.checkpoint()

rng = np.random.RandomState(matrix_seed)
a = rng.standard_normal((60, 60))
b = rng.standard_normal(60)
x = np.linalg.solve(a, b)
residual = float(np.max(np.abs(a @ x - b)))
eig = np.linalg.eigvalsh(a + a.T)
print(f"solve residual < 1e-9: {residual < 1e-9}")
print(f"sum(x) = {float(np.sum(x)):.6f}")
print(f"largest eigenvalue of a+a.T = {float(eig[-1]):.6f}")
print(f"det(a[:5,:5]) = {float(np.linalg.det(a[:5, :5])):.6f}")
print(f"svd norm = {float(np.linalg.norm(a, 2)):.6f}")

print("most common:", counts.most_common(3))
print("json:", json.dumps({"counts": dict(sorted(counts.items())), "n": len(table)},
                          sort_keys=True)[:120])
decimal.getcontext().prec = 40
print("decimal 1/7 =", decimal.Decimal(1) / decimal.Decimal(7))
print("fraction sum 1/k, k=1..20 =", sum(fractions.Fraction(1, k) for k in range(1, 21)))
print("date + 1000 days =", (datetime.date(2024, 2, 29) + datetime.timedelta(days=1000)).isoformat())
h = hashlib.sha256(json.dumps(table, sort_keys=True).encode()).hexdigest()
print("sha256(table) =", h)
print("blake2b(words) =", hashlib.blake2b(" ".join(words).encode(), digest_size=16).hexdigest())
sys.stderr.write("python_numpy: done\n")
sys.exit(0)
