"""The pre-warmed Python launcher rows of the benchmark (issue 13):
examples/python-launcher/launcher.py recorded once, then any script run by
`restore py-launcher SCRIPT` against `python3 SCRIPT`. The script is
workloads/py_numpy_script.py, a plain numpy script (no marker) that ends
normally, so the restored instance pays the interpreter's shutdown too.

    /usr/bin/python3 bench/pylauncher.py [--build DIR] [--quick]   # these rows alone
    ./make.sh bench                                                 # with the others

Both commands run in the benchmark's environment (OPENBLAS_NUM_THREADS=1,
PYTHONDONTWRITEBYTECODE=1), which is also the recording's: the launcher
runs the script warm only when the caller's environment would start
CPython the same way. Needs a restore that takes an invocation
(`restore NAME ARGS...`); with an older one the rows are skipped.
"""
import os
import statistics
import subprocess
import sys

import rows_alone

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
LAUNCHER = os.path.join(REPO, "examples", "python-launcher", "launcher.py")
SCRIPT = os.path.join(BENCH, "workloads", "py_numpy_script.py")
PY = "/usr/bin/python3"
NAME = "py-launcher"



def launcher_rows(b, floor_ms):
    print(f"bench: {NAME} ...", file=sys.stderr, flush=True)
    snap = b.record(NAME, [PY, LAUNCHER])
    restored = [b.tool["restore"], snap, SCRIPT]
    if not b.supports([snap, SCRIPT]):
        print(f"bench: {NAME}: this restore takes no invocation (restore NAME ARGS...): "
              "rows skipped", file=sys.stderr)
        return
    cold_cmd = [PY, SCRIPT]
    # The same output, or the comparison means nothing.
    outs = [subprocess.run(c, env=b.env, stdin=subprocess.DEVNULL, capture_output=True)
            for c in (cold_cmd, restored)]
    if outs[0].stdout != outs[1].stdout or outs[0].returncode != outs[1].returncode:
        sys.exit(f"bench: {NAME}: restored output {outs[1].stdout!r} {outs[1].stderr!r} "
                 f"differs from cold {outs[0].stdout!r}")
    R = b.runs
    cold = b.timed("latency", NAME, "cold: python3 SCRIPT", cold_cmd, R["cold"])
    rest = b.timed("latency", NAME, "restore py-launcher SCRIPT", restored, R["restore"])
    for kind, c in (("cold", cold_cmd), ("restore", restored)):
        v = b.cpu_ms(c, R["cold"])
        b.add("latency", NAME, f"cpu time (user+sys), {kind}", "ms", statistics.median(v),
              None, min(v), max(v), R["cold"])
    b.add("ratio", NAME, "python3 SCRIPT / restore SCRIPT", "x", cold["median"] / rest["median"])
    b.add("ratio", NAME, "restore SCRIPT / floor", "x", rest["median"] / floor_ms)


def targets(rows, find):
    r = find(rows, NAME, "python3 SCRIPT / restore SCRIPT")
    if r is None:
        return []
    return [("python3 launcher: python3 SCRIPT / restore py-launcher SCRIPT",
             f"{r['median']:.1f}x", None)]


def main():
    alone = rows_alone.Alone(__doc__.split("\n")[0])
    launcher_rows(alone.b, alone.b.floor())
    if len(alone.b.rows) == 1:
        sys.exit("bench: no launcher rows: build a restore that takes an invocation")
    alone.finish("python3 launcher rows", targets, "launcher.txt", order=("latency", "ratio"))


if __name__ == "__main__":
    main()
