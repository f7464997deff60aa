#!/usr/bin/env bash
# ./make.sh demo: record Debian's Python with numpy once, restore it several
# times, and compare with cold starts. Usage: demo.sh BUILD_DIR
set -euo pipefail
build=$(realpath "${1:-build}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/snappy-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT

export PYTHONPATH=$here/../python PYTHONDONTWRITEBYTECODE=1 OPENBLAS_NUM_THREADS=1
script=$here/prewarm_numpy.py
ms() { date +%s%N; }
elapsed() { echo $(( ($(ms) - $1) / 1000000 )); }

echo "== cold start: /usr/bin/python3 prewarm_numpy.py (imports numpy, fits a model)"
t=$(ms); /usr/bin/python3 "$script" </dev/null; echo "   $(elapsed "$t") ms"

echo "== record once: ptracer -o $work/numpy /usr/bin/python3 prewarm_numpy.py"
t=$(ms); "$build/ptracer/ptracer" -o "$work/numpy" /usr/bin/python3 "$script" </dev/null
echo "   $(elapsed "$t") ms; snapshot: $(du -h "$work/numpy.pages" | cut -f1) of pages on disk" \
     "($(du -h --apparent-size "$work/numpy.pages" | cut -f1) apparent), $(stat -c %s "$work/numpy.info") bytes of info"

echo "== restore three times (each reseeds its PRNG, so the samples differ)"
for i in 1 2 3; do
  t=$(ms); "$build/restore/restore" "$work/numpy" </dev/null; echo "   $(elapsed "$t") ms"
done
echo "== a job on stdin"
echo "1.5 2.5 7.25" | "$build/restore/restore" "$work/numpy"
echo "(wall times seen by this shell, with the job; see examples/python-prewarm/README.md for medians)"
