"""Corpus case: Debian's python3 with numpy.

Before the checkpoint: imports numpy, builds a seeded RandomState and a
matrix. After it: reads a matrix size and scale factors from stdin and
prints linear algebra, FFT, statistics and sorting results with fixed
print options. Runs with OPENBLAS_NUM_THREADS=1 (no OpenBLAS threads) and
PYTHONHASHSEED=0, both ways. Ends with os._exit after flushing (see the
README: a normal interpreter shutdown is legal too, only slower restored).
"""
# snappy-test: case=python3_numpy
# snappy-test: run=/usr/bin/python3,@FILE@
# snappy-test: stdin=numpy.stdin
# snappy-test: env=PYTHONPATH=@SRCDIR@/examples/python,PYTHONDONTWRITEBYTECODE=1,OPENBLAS_NUM_THREADS=1,PYTHONHASHSEED=0
import os
import sys

import numpy as np

import snappy_checkpoint

np.set_printoptions(precision=6, suppress=True, linewidth=100)
rng = np.random.RandomState(20240229)
BASE = rng.standard_normal((64, 64))
GRID = np.linspace(0.0, 2.0 * np.pi, 256)
print("startup: numpy", np.__version__, "base trace %.6f" % np.trace(BASE))
sys.stdout.flush()

snappy_checkpoint.checkpoint()

size, *scales = [int(x) for x in sys.stdin.read().split()]
a = BASE[:size, :size] * scales[0] + np.eye(size) * scales[1]
b = rng.standard_normal(size)      # the recorded generator state continues
x = np.linalg.solve(a, b)
print("solve residual < 1e-9:", bool(np.linalg.norm(a @ x - b) < 1e-9))
print("x[:6]:", x[:6])
print("det: %.6e" % np.linalg.det(a))
sym = a + a.T
print("eigvalsh[:4]:", np.linalg.eigvalsh(sym)[:4])
print("svd[:4]:", np.linalg.svd(a, compute_uv=False)[:4])
spec = np.abs(np.fft.rfft(np.sin(GRID * scales[2]) + 0.5 * np.cos(GRID * 3)))
print("fft peaks:", np.argsort(spec)[-2:][::-1], np.round(spec.max(), 6))
data = rng.randint(0, 1000, size=50)
print("sorted[:10]:", np.sort(data)[:10], "unique:", np.unique(data % 7))
print("stats: mean %.6f std %.6f median %.1f" % (data.mean(), data.std(), np.median(data)))
print("cumsum:", np.cumsum(np.arange(1, 11) * scales[0]))
print("matrix power:", np.linalg.matrix_power(np.array([[1, 1], [1, 0]], dtype=np.int64), 40)[0])
print("einsum: %.6f" % np.einsum("ij,ij->", a, a))
print("dtype mix:", (np.arange(5, dtype=np.int8) * 100).tolist(), np.float32(1) / 3)
sys.stdout.flush()
sys.stderr.write("numpy job done\n")
sys.stderr.flush()
os._exit(0)
