"""The Node.js rows of the benchmark (issue 8): Debian's node 20 running
workloads/node_startup.js (core modules required, a 20,000-record table
built, before its snapshot point; a trivial job after it), cold against
restored, and the memory of 10 restored instances running at once.

    /usr/bin/python3 bench/nodejs.py [--build DIR] [--quick]   # these rows alone (results/node.txt)
    /usr/bin/python3 bench/nodejs.py --phases 11                # where the time goes
    ./make.sh bench                                             # with the others

A restored instance still runs everything after the snapshot point,
Node's shutdown included, so three variants of the same workload:
  node       the script ends normally (the event loop drains, Node tears
             down its environment, platform and threads);
  node-gc    the same with a full GC just before the snapshot point
             (checkpoint({ gc: true })): the instance does not inherit a
             nearly full young generation, whose scavenge after the job
             would copy it page by page (copy-on-write faults);
  node-exit  process.exit(0) right after the job.
--phases also runs node-exit-warm: process.exit(0), and before the snapshot
point the job run once into a dummy stream (its code compiled there) and a
full GC (without it, the warm-up's garbage may leave the young generation
nearly full, and the restored job pays a scavenge).
Besides launch's wall times (spawn to reap), the CPU time (user + system of
the instance, all threads, from wait4) is given: on a loaded machine it is
the steadier figure.
"""
import os
import shutil
import statistics
import subprocess
import sys

import rows_alone

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
SCRIPT = os.path.join(BENCH, "workloads", "node_startup.js")
NODE = "/usr/bin/node"  # Debian's nodejs
MEM_INSTANCES = 10
VARIANTS = [("node", []), ("node-gc", ["--gc"]), ("node-exit", ["--exit"])]
PHASE_VARIANTS = VARIANTS + [("node-exit-warm", ["--exit", "--warm", "--gc"])]



def node_rows(b, floor_ms, quick=False):
    if not os.access(NODE, os.X_OK):
        sys.exit(f"bench: {NODE} missing: run ./make.sh (it installs Debian's nodejs)")
    saved = b.runs  # Node's cold start is slow: fewer runs than the defaults
    b.runs = dict(saved, cold=min(saved["cold"], 11), restore=min(saved["restore"], 31))
    try:
        for name, args in VARIANTS:
            print(f"bench: {name} ...", file=sys.stderr, flush=True)
            cmd = [NODE, SCRIPT] + args
            snap, cold_mem = b.workload(name, cmd, cmd + ["--block"], None, None, floor_ms)
            runs = b.runs["cold"]
            for kind, c in (("cold", cmd), ("restore", [b.tool["restore"], snap])):
                v = b.cpu_ms(c, runs)
                b.add("latency", name, f"cpu time (user+sys), {kind}", "ms",
                      statistics.median(v), None, min(v), max(v), runs)
            if name == "node":
                block = b.record("node-block", cmd + ["--block"])
                b.memory_rows("node", block, cold_mem, 2 if quick else MEM_INSTANCES)
    finally:
        b.runs = saved


def targets(rows, find):
    """The issue's Node.js target and report lines, if the rows were run."""
    out = []
    for name, _ in VARIANTS:
        cr = find(rows, name, "cold / restore")
        if cr is None:
            return []
        out.append((f"{name}: restore >= 20x faster than cold", f"{cr['median']:.1f}x",
                    cr["median"] >= 20))
    pss = find(rows, "node", "PSS restored (")
    cold = find(rows, "node", "PSS cold")
    out.append((f"node PSS per instance, {pss['n']} running",
                f"{pss['median']:.1f} MiB (cold alone {cold['median']:.1f} MiB)", None))
    return out


PHASES = ["start -> marker returns", "job (console.log, ...)", "job end -> 'exit' event",
          "'exit' event -> reaped", "total"]


def phases_run(b, cmd):
    """One run of cmd (the workload with --phases): wall ms, CPU ms and minor
    faults per phase. The instance reports its clock, CPU time and faults at
    three points; spawn and reap (wait4's rusage) are the ends."""
    import time
    with open(os.devnull, "r+b") as null:
        t0 = time.monotonic_ns()
        p = subprocess.Popen(cmd, env=b.env, stdin=null, stdout=null, stderr=subprocess.PIPE)
        err = p.stderr.read().decode()
        _, status, ru = os.wait4(p.pid, 0)
        t_end = time.monotonic_ns()
    line = next((l for l in err.splitlines() if l.startswith("phases ")), None)
    if os.waitstatus_to_exitcode(status) != 0 or line is None:
        sys.exit(f"bench: {' '.join(cmd)}: no phases ({err.strip()})")
    pts = [[int(x) for x in p.split(",")] for p in line.split()[1:]]
    pts = [[t0, 0, 0]] + pts + [[t_end, (ru.ru_utime + ru.ru_stime) * 1e6, ru.ru_minflt]]
    wall = [(pts[k + 1][0] - pts[k][0]) / 1e6 for k in range(4)]
    cpu = [(pts[k + 1][1] - pts[k][1]) / 1e3 for k in range(4)]
    flt = [pts[k + 1][2] - pts[k][2] for k in range(4)]
    return [w + [sum(w)] for w in (wall, cpu, flt)]


def phases(b, runs):
    """Where a restored instance's time goes, phase by phase, against cold."""
    for name, args in PHASE_VARIANTS:
        cmd = [NODE, SCRIPT] + args + ["--phases"]
        snap = b.record(name + "-phases", cmd)
        for kind, c in (("cold", cmd), ("restored", [b.tool["restore"], snap])):
            rs = [phases_run(b, c) for _ in range(runs)]
            print(f"\n{name}, {kind} (medians of {runs})")
            print(f"  {'phase':26s} {'wall ms':>8s} {'cpu ms':>8s} {'faults':>7s}")
            for k, ph in enumerate(PHASES):
                w, c_, f = (statistics.median(r[i][k] for r in rs) for i in range(3))
                print(f"  {ph:26s} {w:8.1f} {c_:8.1f} {f:7.0f}")


def main():
    def phases_arg(ap):
        ap.add_argument("--phases", type=int, metavar="RUNS",
                        help="instead: the time, CPU and faults of each phase of an instance")
    alone = rows_alone.Alone("the Node.js rows of the benchmark, alone", phases_arg)
    b = alone.b
    if alone.args.phases:
        print(f"load average {alone.load0:.2f}")
        phases(b, alone.args.phases)
        print(f"load average {os.getloadavg()[0]:.2f}")
        shutil.rmtree(b.snaps, ignore_errors=True)
        return
    node_rows(b, b.floor(), alone.args.quick)
    alone.finish("Node.js rows", targets, "node.txt")


if __name__ == "__main__":
    main()
