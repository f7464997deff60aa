#!/bin/bash
# Debian's /usr/bin/python3 with numpy (python_numpy.py), through
# run_target.sh: cold run, record, three restores, compared.
# The pyenv python on PATH is not what this tests: /usr/bin/python3 only.
#
# usage: python_numpy_test.sh PTRACER RESTORE WORKDIR
# Exits 77 (skipped) if /usr/bin/python3 or its numpy is missing.
set -euo pipefail
if [[ $# -ne 3 ]]; then
  echo "usage: python_numpy_test.sh PTRACER RESTORE WORKDIR" >&2
  exit 2
fi
here=$(dirname "$(realpath "$0")")
python=/usr/bin/python3

PYTHONPATH=$(realpath "$here/../../examples/python")
export PYTHONPATH
export OPENBLAS_NUM_THREADS=1      # else OpenBLAS starts threads at import
export PYTHONDONTWRITEBYTECODE=1   # else Python writes .pyc files
unset PYTHONHOME PYTHONSTARTUP PYTHONSAFEPATH

if [[ ! -x $python ]] || ! "$python" -c 'import numpy' 2>/dev/null; then
  echo "skipped: $python with numpy not available"
  exit 77
fi
exec "$here/run_target.sh" --expect-trigger "checkpoint marker" \
    "$1" "$2" "$3" "$python" "$here/python_numpy.py"
