"""numpy: a least-squares fit and a few reductions, printed exactly."""
import sys

import numpy as np

n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
x = np.linspace(0.0, 1.0, n)
a = np.vander(x, 4)
coef, *_ = np.linalg.lstsq(a, np.cos(3 * x), rcond=None)
print("coef", np.round(coef, 10).tolist())
print("sum", float(np.sum(a @ coef)).hex())
print("rng", np.random.default_rng(42).integers(0, 100, 5).tolist())
print("dtype", a.dtype, a.shape)
