#!/usr/bin/python3
"""Where recording spends its time (issue 15): `ptracer --stats` per workload.

    /usr/bin/python3 bench/record_phases.py [--build DIR] [--runs N] [--compare DIR] [WORKLOAD...]

For each of bench.py's workloads, alternates N cold runs and N recordings
(into the same NAME, so every recording after the first replaces a pair, as
the benchmark's record rows do) and prints the medians of both wall times,
their ratio, and from the recordings the ptrace stops (entry and exit, by
syscall) and the median of each phase. Stops are counts: the machine's load
does not change them, so they compare builds on a shared machine; the load
average is printed beside every timing. --compare DIR times another build's
ptracer in the same loop (cold, this build, that build, ...), for a
before/after under the same load.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
WL = os.path.join(BENCH, "workloads")
PY = "/usr/bin/python3"


def workloads(build):
    jvm_classes = os.path.join(build, "examples/jvm/classes")
    return {
        "c-primes": [os.path.join(build, "examples/prime_worker")],
        "py-stdlib": [PY, os.path.join(WL, "py_stdlib.py")],
        "py-numpy": [PY, os.path.join(WL, "py_numpy.py")],
        "perl": ["/usr/bin/perl", os.path.join(WL, "perl_core.pl")],
        "jvm": ["java", "-cp", jvm_classes, "ReportWorker", os.path.join(REPO, "examples/jvm/data")],
        "node": ["/usr/bin/node", os.path.join(WL, "node_startup.js")],
    }


def timed(cmd, env, cpu=None):
    """Wall ms and stderr; appends user+sys CPU ms (the command and what it
    reaped: ptracer reaps the program) to `cpu`, which load changes less."""
    with tempfile.TemporaryFile("w+") as err:
        t = time.monotonic()
        p = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        ms = (time.monotonic() - t) * 1e3
        err.seek(0)
        text = err.read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"record_phases: {' '.join(cmd)} failed ({status}): {text.strip()}")
    if cpu is not None:
        cpu.append((ru.ru_utime + ru.ru_stime) * 1e3)
    return ms, text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--compare", help="another build directory to time alongside")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    ptracer = os.path.join(os.path.abspath(a.build), "ptracer/ptracer")
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "examples/python"),
               PYTHONDONTWRITEBYTECODE="1", OPENBLAS_NUM_THREADS="1")
    table = workloads(os.path.abspath(a.build))
    # Snapshots on the build's file system, as bench.py keeps them.
    snaps = tempfile.mkdtemp(prefix="record-phases-", dir=os.path.abspath(a.build))
    for name in a.names or table:
        cmd = table[name]
        snap = os.path.join(snaps, name)
        load0 = os.getloadavg()[0]
        cold, rec, other, phases, stops = [], [], [], {}, ""
        cpu = {"cold": [], "record": [], "compare": []}
        for _ in range(a.runs):
            cold.append(timed(cmd, env, cpu["cold"])[0])
            if a.compare:
                other.append(timed([os.path.join(os.path.abspath(a.compare), "ptracer/ptracer"),
                                    "-o", snap + "-compare"] + cmd, env, cpu["compare"])[0])
            ms, err = timed([ptracer, "--stats", "-o", snap] + cmd, env, cpu["record"])
            rec.append(ms)
            for line in err.splitlines():
                if line.startswith("ptracer: stats: stops"):
                    stops = line[len("ptracer: stats: "):]
                elif line.startswith("ptracer: stats: phases: "):
                    for m in re.finditer(r"([a-z ]+?) ([0-9.]+) ms", line[len("ptracer: stats: phases: "):]):
                        phases.setdefault(m.group(1).strip(" ,"), []).append(float(m.group(2)))
        c, r = statistics.median(cold), statistics.median(rec)
        print(f"{name}: record {r:.1f} ms, cold {c:.1f} ms, record / cold {r / c:.2f}x "
              f"(medians of {a.runs}; load {load0:.2f} -> {os.getloadavg()[0]:.2f})")
        cc, rc = statistics.median(cpu["cold"]), statistics.median(cpu["record"])
        print(f"  cpu (user+sys): record {rc:.1f} ms, cold {cc:.1f} ms, {rc / cc:.2f}x")
        if other:
            o, oc = statistics.median(other), statistics.median(cpu["compare"])
            print(f"  {a.compare}: record {o:.1f} ms, record / cold {o / c:.2f}x; "
                  f"cpu {oc:.1f} ms, {oc / cc:.2f}x")
        print(f"  {stops}")
        print("  phases (median ms): " + ", ".join(f"{k} {statistics.median(v):.1f}" for k, v in phases.items()))
        for ext in (".info", ".pages", "-compare.info", "-compare.pages"):
            if os.path.exists(snap + ext):
                os.unlink(snap + ext)
    os.rmdir(snaps)


if __name__ == "__main__":
    main()
