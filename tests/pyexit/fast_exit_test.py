#!/usr/bin/python3
"""snappy_checkpoint's fast exit and freeze (issue 15), against the plain
interpreter and across the snapshot point.

    fast_exit_test.py PTRACER RESTORE WORKDIR

For every ending of exit_job.py (its MODE):
  1. a cold run with checkpoint() (the plain interpreter's own end) and one
     with checkpoint(fast_exit=True) (or freeze=True): stdout, stderr and
     exit status equal, except the documented differences, which must be
     there exactly: where the fast path is taken, the teardown's __del__
     lines are missing; where it must not be (the status is not certain),
     nothing differs; frozen, the cycle is never collected and the
     teardown's __del__ line is missing too;
  2. the fast (or freeze) variant recorded with ptracer (snapshot at the
     marker) and restored twice: each restore equal to the cold run byte
     for byte, modulo object addresses (<... at 0x...>: ASLR differs
     between cold processes).
Also: SNAPPY_EXIT_AT_MARKER=1 ends a cold run at the marker, status 0.
Exits 1 on the first mismatch, with a diff.
"""
import difflib
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
JOB = os.path.join(HERE, "exit_job.py")
PY = "/usr/bin/python3"

TEARDOWN_ERR = "teardown: __del__ ran\n"     # exit_job's Teardown.__del__ (stderr)
CYCLE_OUT = "cycle collected\n"              # exit_job's Cycle.__del__ (stdout)
# The frame the fast path adds to an atexit handler's error report (the
# handlers run from snappy_fast_exit._finish, not from the interpreter's C).
FINISH_FRAME = re.compile(r'Traceback \(most recent call last\):\n'
                          r'  File ".*snappy_fast_exit\.py", line \d+, in _finish\n'
                          r'    atexit\._run_exitfuncs\(\)\n')

# MODE, variant, what differs from the plain run: "teardown" (the fast path
# was taken), "same" (it was not), "frozen" (freeze).
CASES = [
    ("normal", "fast", "teardown"),
    ("sys_exit_3", "fast", "teardown"),
    ("sys_exit_msg", "fast", "teardown"),
    ("sys_exit_big", "fast", "teardown"),
    ("exception", "fast", "teardown"),
    ("caught_then_end", "fast", "teardown"),
    ("explicit", "fast", "teardown"),
    ("explicit_msg", "fast", "teardown"),
    ("thread", "fast", "teardown"),
    ("atexit_raises", "fast", "teardown"),
    ("stdout_closed", "fast", "teardown"),
    ("caught_then_raise", "fast", "same"),
    ("finally", "fast", "same"),
    ("raise_systemexit", "fast", "same"),
    ("keyboard_interrupt", "fast", "same"),
    ("cycle", "freeze", "frozen"),
    ("normal", "freeze", "frozen"),
]
# stdout on /dev/full (buffered: the failure is at the flush at exit).
FULL_CASES = [("normal", "fast"), ("sys_exit_3", "fast"), ("explicit", "fast")]


def env(**extra):
    e = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    e.update(PYTHONPATH=os.path.join(REPO, "examples/python"), PYTHONDONTWRITEBYTECODE="1",
             PYTHONHASHSEED="0", LC_ALL="C.UTF-8")
    e.pop("SNAPPY_EXIT_AT_MARKER", None)
    e.update(extra)
    return e


def run(cmd, stdout_path=None, **extra):
    out = open(stdout_path, "wb") if stdout_path else subprocess.PIPE
    try:
        p = subprocess.run(cmd, env=env(**extra), stdin=subprocess.DEVNULL, stdout=out,
                           stderr=subprocess.PIPE, timeout=120)
    finally:
        if stdout_path:
            out.close()
    text = lambda b: re.sub(r" at 0x[0-9a-f]+>", " at 0x...>", (b or b"").decode())
    return text(p.stdout), text(p.stderr), p.returncode


def check(what, got, want):
    if got == want:
        return
    print(f"FAIL: {what}")
    for name, g, w in zip(("stdout", "stderr", "status"), got, want):
        if g != w:
            print(f"  {name}: expected {w!r}, got {g!r}" if name == "status" else
                  "".join(difflib.unified_diff(str(w).splitlines(True), str(g).splitlines(True),
                                               f"expected {name}", f"got {name}")))
    sys.exit(1)


def expected_from_plain(plain, differs, variant):
    out, err, status = plain
    if differs == "teardown":
        assert TEARDOWN_ERR in err, f"the plain run must print {TEARDOWN_ERR!r}: {err!r}"
        out, err = out.replace(CYCLE_OUT, ""), err.replace(TEARDOWN_ERR, "")
    elif differs == "frozen":
        # Frozen, the objects alive at the checkpoint escape the collections
        # at shutdown too: the cycle is never destroyed, and `keep` only when
        # the teardown sets its module's names to None (os already None, so
        # its __del__ fails, unreported: sys.stderr is gone by then).
        assert "frozen: False" in out and TEARDOWN_ERR in err
        out = out.replace("frozen: False", "frozen: True").replace(CYCLE_OUT, "")
        err = err.replace(TEARDOWN_ERR, "")
    return out, err, status


def main():
    ptracer, restore, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    for mode, variant, differs in CASES:
        name = f"{mode}.{variant}"
        plain = run([PY, JOB, mode, "plain"])
        cold = run([PY, JOB, mode, variant])
        got = cold[0], FINISH_FRAME.sub("", cold[1]), cold[2]
        check(f"{name}: cold against the plain interpreter ({differs})", got,
              expected_from_plain(plain, differs, variant))
        snap = os.path.join(work, name)
        rec = subprocess.run([ptracer, "-o", snap, PY, JOB, mode, variant], env=env(),
                             stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if rec.returncode != 0 or "checkpoint marker" not in rec.stderr:
            print(f"FAIL: {name}: recording did not stop at the marker: {rec.stderr.strip()}")
            sys.exit(1)
        for i in range(2):
            check(f"{name}: restore {i + 1} against the cold run", run([restore, snap]), cold)
        print(f"ok {name}: status {cold[2]}, {differs}")
    for mode, variant in FULL_CASES:
        name = f"{mode}.{variant}.dev-full"
        plain = run([PY, JOB, mode, "plain"], stdout_path="/dev/full")
        if plain[2] != 120 or "Exception ignored in: <_io.TextIOWrapper name='<stdout>'" not in plain[1]:
            print(f"FAIL: {name}: the plain interpreter did not fail its flush: {plain}")
            sys.exit(1)
        cold = run([PY, JOB, mode, variant], stdout_path="/dev/full")
        check(f"{name}: cold against the plain interpreter", cold,
              expected_from_plain(plain, "teardown", variant))
        snap = os.path.join(work, name)
        subprocess.run([ptracer, "-o", snap, PY, JOB, mode, variant], env=env(), check=True,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        for i in range(2):
            check(f"{name}: restore {i + 1} against the cold run",
                  run([restore, snap], stdout_path="/dev/full"), cold)
        print(f"ok {name}: status {cold[2]}")
    at_marker = run([PY, JOB, "normal", "fast"], SNAPPY_EXIT_AT_MARKER="1")
    check("SNAPPY_EXIT_AT_MARKER=1: a cold run ends at the marker", at_marker,
          ("before the marker\n", "", 0))
    print("ok SNAPPY_EXIT_AT_MARKER=1")
    print("PASS")


if __name__ == "__main__":
    main()
