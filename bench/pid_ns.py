#!/usr/bin/python3
"""restore --pid-ns against the default (issue 14, "Ids cached before the
snapshot"): what running each instance as the recorded pid costs.

    /usr/bin/python3 bench/pid_ns.py [--build DIR] [--runs N]   # results/pid_ns.txt

Two snapshots: a C target (tests/targets/exit_code.c, the smallest program
with a marker) and Debian's python3 importing numpy (workloads/py_numpy.py,
its trivial job). Each is restored --runs times (101) with and without --pid-ns,
the two modes alternating so that both see the same load. Per mode: the
median and 90th percentile of the wall time (spawn to reap), the median CPU
time (user + system of restore and everything it waited for: the init and
the program, from wait4's rusage) and the median count of minor page faults
(likewise). The CPU time and the faults move less with the machine's load
than the wall time; the load is printed at the start and the end.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
PY = "/usr/bin/python3"


def load():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def run_once(argv, env, stdin):
    """Wall ms, CPU ms and minor faults of argv and all it waited for."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = (time.perf_counter() - start) * 1000
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    return proc.returncode, err, wall, (usage.ru_utime + usage.ru_stime) * 1000, usage.ru_minflt


def record(ptracer, name, argv, env):
    r = subprocess.run([ptracer, "-o", name] + argv, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0 or "checkpoint marker" not in r.stderr:
        sys.exit(f"pid_ns.py: recording {argv} failed: {r.stderr.strip()}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--runs", type=int, default=101)
    ap.add_argument("--output", default=os.path.join(BENCH, "results", "pid_ns.txt"))
    a = ap.parse_args()
    ptracer = os.path.join(a.build, "ptracer", "ptracer")
    restore = os.path.join(a.build, "restore", "restore")
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "examples", "python"), OPENBLAS_NUM_THREADS="1",
               PYTHONDONTWRITEBYTECODE="1", LC_ALL="C.UTF-8")
    work = tempfile.mkdtemp(prefix="pid_ns_bench.")
    workloads = [
        ("c", [os.path.join(a.build, "tests", "targets", "target_exit_code")], 42),
        ("py-numpy", [PY, os.path.join(BENCH, "workloads", "py_numpy.py")], 0),
    ]
    load_start = load()
    t0 = time.time()
    rows = []
    for name, argv, expect in workloads:
        snap = os.path.join(work, name)
        record(ptracer, snap, argv, env)
        samples = {"default": [], "--pid-ns": []}
        for _ in range(a.runs):
            for mode in samples:
                args = [restore] + (["--pid-ns"] if mode != "default" else []) + [snap]
                with open(os.devnull) as devnull:
                    code, err, wall, cpu, faults = run_once(args, env, devnull)
                if code != expect:
                    sys.exit(f"pid_ns.py: {' '.join(args)} exited {code}, not {expect}: {err.strip()}")
                samples[mode].append((wall, cpu, faults))
        for mode, s in samples.items():
            walls = sorted(x[0] for x in s)
            rows.append((name, mode, statistics.median(walls), walls[int(len(walls) * 0.9)],
                         statistics.median(x[1] for x in s), statistics.median(x[2] for x in s), len(s)))
    load_end = load()
    lines = [
        f"snappy-start benchmark, restore --pid-ns against the default, {time.strftime('%Y-%m-%d %H:%M')}, "
        f"kernel {os.uname().release}, {os.cpu_count()} CPUs",
        f"load average {load_start} at start, {load_end} at end; took {time.time() - t0:.0f} s",
        "",
        f"{'workload':9} {'mode':9} {'wall median':>11} {'wall p90':>9} {'CPU median':>10} {'minor faults':>12} {'n':>4}",
    ]
    base = {}
    for name, mode, wall, p90, cpu, faults, n in rows:
        lines.append(f"{name:9} {mode:9} {wall:8.2f} ms {p90:6.2f} ms {cpu:7.2f} ms {faults:12.0f} {n:4}")
        if mode == "default":
            base[name] = (wall, cpu, faults)
        else:
            bw, bc, bf = base[name]
            lines.append(f"{'':9} {'extra':9} {wall - bw:+8.2f} ms {'':9} {cpu - bc:+7.2f} ms {faults - bf:+12.0f}")
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    os.makedirs(os.path.dirname(a.output), exist_ok=True)
    with open(a.output, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
