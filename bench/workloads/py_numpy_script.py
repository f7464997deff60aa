"""A plain numpy script, no snapshot marker: the same trivial job as
py_numpy.py, ending normally. `python3 py_numpy_script.py` runs it cold;
`restore py-launcher py_numpy_script.py` runs it in the pre-warmed
launcher (examples/python-launcher)."""
import decimal
import json

import numpy as np

a = np.arange(12.0).reshape(3, 4)
print(a.sum(), (a @ a.T).trace(), json.dumps({"x": [1, 2]}), decimal.Decimal(1) / 7)
