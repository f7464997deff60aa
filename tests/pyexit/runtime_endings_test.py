#!/usr/bin/python3
"""The Node and JVM helpers' ending options (issue 15), cold against
restored, and the two bench variables every helper honours.

    runtime_endings_test.py PTRACER RESTORE WORKDIR JVM_CLASSES

Each case is recorded with ptracer (the snapshot must be at the checkpoint
marker) and restored twice; stdout, stderr and exit status must equal the
cold run's byte for byte:
  node bench/workloads/node_startup.js with checkpoint({ gc: true }),
    { gc: 'minor' }, the helper's exit(0), and both;
  java ReportWorker (examples/jvm) with checkpoint(true) (System.gc()),
    halt (the default), System.exit and a return from main, given one bad
    query (halt and System.exit: status 1; return: 0).
Then, cold only (Python, Node, JVM): SNAPPY_EXIT_AT_MARKER=1 ends the run
at the marker with status 0 and none of the job's output, and
SNAPPY_MARKER_CLOCK=1 adds exactly one "snappy-marker ns=N minflt=M" line to
stderr and changes nothing else.
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
NODE_JOB = os.path.join(REPO, "bench/workloads/node_startup.js")
PY_JOB = os.path.join(REPO, "bench/workloads/py_numpy_ending.py")
QUERIES = b"top 3\nno such query\n"
MARKER_LINE = re.compile(r"^snappy-marker ns=\d+ minflt=\d+\n", re.M)


def env(**extra):
    e = {k: v for k, v in os.environ.items()
         if not k.startswith(("PYTHON", "SNAPPY_", "NODE_"))}
    e.update(PYTHONPATH=os.path.join(REPO, "examples/python"), PYTHONDONTWRITEBYTECODE="1",
             OPENBLAS_NUM_THREADS="1", LC_ALL="C.UTF-8")
    e.update(extra)
    return e


def run(cmd, stdin=b"", **extra):
    p = subprocess.run(cmd, env=env(**extra), input=stdin, capture_output=True, timeout=300)
    return p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"), p.returncode


def fail(what, got, want=None):
    print(f"FAIL: {what}\n  got:      {got!r}" + (f"\n  expected: {want!r}" if want else ""))
    sys.exit(1)


def main():
    ptracer, restore, work, classes = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    java = ["/usr/bin/java", "-cp", classes, "ReportWorker", os.path.join(REPO, "examples/jvm/data")]
    for prog in ("/usr/bin/node", "/usr/bin/java", "/usr/bin/python3"):
        if not os.access(prog, os.X_OK):
            fail(f"{prog} is not installed: run ./make.sh", prog)
    cases = [
        ("node.gc", ["/usr/bin/node", NODE_JOB, "--gc"], b"", 0),
        ("node.scavenge", ["/usr/bin/node", NODE_JOB, "--scavenge"], b"", 0),
        ("node.exit", ["/usr/bin/node", NODE_JOB, "--exit"], b"", 0),
        ("node.gc_exit", ["/usr/bin/node", NODE_JOB, "--gc", "--exit"], b"", 0),
        ("jvm.gc_halt", java + ["--gc"], QUERIES, 1),
        ("jvm.halt", java, QUERIES, 1),
        ("jvm.system_exit", java + ["--end=exit"], QUERIES, 1),
        ("jvm.return", java + ["--end=return"], QUERIES, 0),
    ]
    for name, cmd, stdin, status in cases:
        cold = run(cmd, stdin)
        if cold[2] != status or not cold[0]:
            fail(f"{name}: the cold run's status (and some output)", cold, status)
        snap = os.path.join(work, name)
        rec = subprocess.run([ptracer, "-o", snap] + cmd, env=env(), input=stdin,
                             capture_output=True)
        if rec.returncode != 0 or b"checkpoint marker" not in rec.stderr:
            fail(f"{name}: recording did not stop at the marker", rec.stderr.decode())
        for i in range(2):
            got = run([restore, snap], stdin)
            if got != cold:
                fail(f"{name}: restore {i + 1} against the cold run", got, cold)
        print(f"ok {name}: status {status}, 2 restores equal the cold run")
    for name, cmd, stdin in (("python", ["/usr/bin/python3", PY_JOB, "--fast-exit"], b""),
                             ("node", ["/usr/bin/node", NODE_JOB, "--exit"], b""),
                             ("jvm", java, QUERIES)):
        plain = run(cmd, stdin)
        at_marker = run(cmd, stdin, SNAPPY_EXIT_AT_MARKER="1")
        # The JVM's startup logs to stderr before the marker; nothing of the job.
        if at_marker[0] != "" or at_marker[2] != 0 or not plain[1].startswith(at_marker[1]):
            fail(f"{name}: SNAPPY_EXIT_AT_MARKER=1 must end the cold run at the marker",
                 at_marker, ("", plain[1][:len(at_marker[1])], 0))
        clocked = run(cmd, stdin, SNAPPY_MARKER_CLOCK="1")
        lines = MARKER_LINE.findall(clocked[1])
        if len(lines) != 1 or (clocked[0], MARKER_LINE.sub("", clocked[1]), clocked[2]) != plain:
            fail(f"{name}: SNAPPY_MARKER_CLOCK=1 must add one marker line and nothing else",
                 clocked, plain)
        print(f"ok {name}: SNAPPY_EXIT_AT_MARKER=1, SNAPPY_MARKER_CLOCK=1")
    print("PASS")


if __name__ == "__main__":
    main()
