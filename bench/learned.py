#!/usr/bin/python3
"""Learned working sets (issue 15): restore with the set `snapinfo learn`
stored against restore --no-learned, for jobs that write memory.

    /usr/bin/python3 bench/learned.py [--build DIR] [--quick] [--instances N]
                                       # results/learned.txt
bench.py calls learned_rows() for `./make.sh bench`.

Workloads (named learned-c, learned-numpy-trivial, learned-numpy,
learned-numpy-freeze, learned-numpy-fast-exit, learned-jvm, learned-node,
apart from bench.py's rows of the same programs): the C primes worker
(query on stdin), numpy's trivial job ending with os._exit
(workloads/py_numpy.py), numpy ending through Python's normal shutdown,
with checkpoint(freeze=True) and with checkpoint(fast_exit=True)
(workloads/py_numpy_ending.py), the JVM report worker and the Node worker
ending normally (no --exit). Each snapshot is trained once with its job
(`snapinfo learn NAME`); the unlearned rows are the same files restored
with --no-learned, the --learned-reads rows with the read set populated
too. Rows per workload:
  restore (learned / --learned-reads / --no-learned / --populate)
                                         latency, spawn to reap
  page-fault traps (learned / --learned-reads / --no-learned)
                                         perf stat -e page-faults of
                                         the instance: the faults the program
                                         takes (restore's own included)
  minor faults with populate's           ru_minflt (wait4): the same plus the
                                         faults MADV_POPULATE_* handles for it
  PSS, N restores (learned / --no-learned)  N instances at once, each
                                         blocked reading stdin right after
                                         its snapshot point (the learned
                                         write set already populated)
  PSS cold (alone)                       one cold run blocked at that point
  PSS learned / cold                     the target: <= 0.10
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

import jvm
import nodejs

BENCH = os.path.dirname(os.path.abspath(__file__))
WL = os.path.join(BENCH, "workloads")
PY = "/usr/bin/python3"
MIB = 1 << 20


def learn(b, snap, stdin):
    """One training run of snap with its job's stdin; exits on failure."""
    snapinfo = os.path.join(b.build, "snapfs/snapinfo")
    with open(stdin or os.devnull) as f:
        p = subprocess.run([snapinfo, "learn", "--restore", b.tool["restore"], snap], env=b.env,
                           stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"bench: learning {snap}: {p.stderr.strip()}")
    print(f"bench: {p.stderr.strip()}", file=sys.stderr)


PERF = shutil.which("perf")


def minor_faults(b, argv, stdin, runs):
    """Per run of argv: (ru_minflt from wait4, page-fault traps from perf
    stat or None), and the failures. ru_minflt also counts the faults
    MADV_POPULATE_* takes on the instance's behalf (mm_account_fault counts
    every fault handled for the task); perf's page-faults event counts only
    the traps, the faults the program itself takes (the event is sent only
    with the faulting registers)."""
    minflt, traps, failures = [], [], 0
    out = os.path.join(b.snaps, "learned-perf.txt")
    for _ in range(runs):
        cmd = [PERF, "stat", "-x,", "-o", out, "-e", "page-faults", "--"] + argv if PERF else argv
        with open(stdin or os.devnull) as f:
            p = subprocess.Popen(cmd, env=b.env, stdin=f, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(status)
        failures += p.returncode != 0
        minflt.append(usage.ru_minflt)  # perf's own faults included when perf runs
        if PERF:
            line = next((l for l in open(out) if ",page-faults" in l), "")
            traps.append(int(line.split(",")[0]) if line[:1].isdigit() else None)
    return minflt, traps, failures


def rows(b, workload, snap, block_snap, cold_block, stdin, n, runs):
    restore = b.tool["restore"]
    modes = (("learned", []), ("--no-learned", ["--no-learned"]))
    reads = (("--learned-reads", ["--learned-reads"]),)
    for label, flags in modes[:1] + reads + modes[1:] + (("--populate", ["--no-learned", "--populate"]),):
        b.timed("latency", workload, f"restore ({label})", [restore] + flags + [snap], runs, stdin=stdin)
    for label, flags in modes[:1] + reads + modes[1:]:
        minflt, traps, failures = minor_faults(b, [restore] + flags + [snap], stdin, max(5, runs // 3))
        if traps and None not in traps:
            b.add("memory", workload, f"page-fault traps per instance ({label}, perf)", "faults",
                  statistics.median(traps), None, min(traps), max(traps), len(traps), failures)
        b.add("memory", workload, f"  minor faults with populate's ({label}, wait4)", "faults",
              statistics.median(minflt), None, min(minflt), max(minflt), len(minflt), failures)
    pss = {}
    for label, flags in modes:
        mem, failures = b.blocked_memory([[restore] + flags + [block_snap]] * n)
        v = [m["Pss"] / MIB for m in mem]
        pss[label] = b.add("memory", workload, f"PSS, {n} restores ({label})", "MiB",
                           statistics.median(v), None, min(v), max(v), len(v), failures)
        v = [(m["Private_Clean"] + m["Private_Dirty"]) / MIB for m in mem]
        b.add("memory", workload, f"  private ({label})", "MiB", statistics.median(v), None,
              min(v), max(v), len(v))
    mem, failures = b.blocked_memory([cold_block])
    cold = b.add("memory", workload, "PSS cold (alone)", "MiB", mem[0]["Pss"] / MIB, None,
                 None, None, 1, failures)
    b.add("ratio", workload, "PSS learned / cold", "x", pss["learned"] / cold)
    b.add("ratio", workload, "PSS learned / --no-learned", "x", pss["learned"] / pss["--no-learned"])


def learned_rows(b, quick=False, n=None):
    n = n or (3 if quick else 20)
    runs = b.runs["restore"] if quick else 31
    print("bench: learned working sets, learned-c ...", file=sys.stderr, flush=True)
    primes = [b.tool["prime_worker"]]
    csnap = b.record("learned-c", primes)  # it blocks reading stdin on its own
    learn(b, csnap, b.query)
    rows(b, "learned-c", csnap, csnap, primes, b.query, n, runs)

    trivial = [PY, os.path.join(WL, "py_numpy.py")]
    print("bench: learned working sets, learned-numpy-trivial ...", file=sys.stderr, flush=True)
    snap, block = b.record("learned-numpy-trivial", trivial), b.record("learned-numpy-trivial-block", trivial + ["--block"])
    learn(b, snap, None)
    learn(b, block, None)
    rows(b, "learned-numpy-trivial", snap, block, trivial + ["--block"], None, n, runs)

    for name, flags in (("learned-numpy", []), ("learned-numpy-freeze", ["--freeze"]),
                        ("learned-numpy-fast-exit", ["--fast-exit"])):
        numpy = [PY, os.path.join(WL, "py_numpy_ending.py")] + flags
        print(f"bench: learned working sets, {name} ...", file=sys.stderr, flush=True)
        snap, block = b.record(name, numpy), b.record(name + "-block", numpy + ["--block"])
        learn(b, snap, None)
        learn(b, block, None)
        rows(b, name, snap, block, numpy + ["--block"], None, n, runs)

    print("bench: learned working sets, jvm ...", file=sys.stderr, flush=True)
    java = jvm.command(b.build)
    job = os.path.join(b.snaps, "learned-jvm.in")
    with open(job, "w") as f:
        f.write("top 3\n")
    jsnap = b.record("learned-jvm", java)  # it blocks reading stdin on its own
    learn(b, jsnap, job)
    rows(b, "learned-jvm", jsnap, jsnap, java, job, n, runs)

    print("bench: learned working sets, node ...", file=sys.stderr, flush=True)
    node = [nodejs.NODE, nodejs.SCRIPT]
    nsnap, nblock = b.record("learned-node", node), b.record("learned-node-block", node + ["--block"])
    learn(b, nsnap, None)
    learn(b, nblock, None)
    rows(b, "learned-node", nsnap, nblock, node + ["--block"], None, n, runs)


def targets(rows, find=None):
    """The issue's target per workload: PSS per learned instance <= 10% of cold."""
    out = []
    for r in rows:
        if r["metric"] == "PSS learned / cold":
            out.append((f"{r['workload']}: PSS per learned instance <= 10% of cold",
                        f"{r['median'] * 100:.1f}%", r["median"] <= 0.10))
    return out


def main():
    import rows_alone

    def extra(ap):
        ap.add_argument("--instances", type=int, default=20)
    alone = rows_alone.Alone("learned working sets", extra)
    learned_rows(alone.b, alone.args.quick, 3 if alone.args.quick else alone.args.instances)
    alone.finish("learned working sets (issue 15)", targets, "learned.txt",
                 order=("latency", "ratio", "memory"))


if __name__ == "__main__":
    main()
