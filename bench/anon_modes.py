#!/usr/bin/python3
"""restore --anon=exact against --anon=mapped (issue 14): what exact
anonymous memory costs, for the numpy, JVM and Node snapshots of bench.py.

    /usr/bin/python3 bench/anon_modes.py [--build DIR] [--quick] [--instances N]
                                          # results/anon_modes.txt

--anon=mapped maps the stored pages from NAME.pages (page cache, shared by
every instance); --anon=exact reads them into the memory they belong to
(anonymous memory stays anonymous), so each instance copies them at restore
and owns them. Rows per workload and mode:
  restore            latency of one restore with its trivial job (launch:
                     spawn to reap), median of repeated runs
  PSS, N restores    N separate `restore NAME` running at once, each blocked
                     reading stdin right after its snapshot point
  PSS, restore -n N  one `restore -n N NAME`: the snapshot is mapped (and in
                     exact mode copied) once and N instances forked from it,
                     which share those pages copy-on-write (the zygote)
with Anonymous (copied pages) and private memory per instance beside PSS.
"""
import os
import statistics
import subprocess
import sys
import time

import jvm
import nodejs
import rows_alone

BENCH = os.path.dirname(os.path.abspath(__file__))
WL = os.path.join(BENCH, "workloads")
PY = "/usr/bin/python3"
MODES = ["mapped", "exact"]
MIB = 1 << 20


def children(pid):
    """The children of pid (restore -n N forks its instances)."""
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(c) for c in f.read().split()]


def instances(b, argv_list, expect):
    """Starts each argv with one shared stdin pipe; returns (procs, instance pids)
    once `expect` instances sit reading stdin. Instances are the spawned
    processes, or for `restore -n N` that process's children."""
    rfd, wfd = os.pipe()
    procs = [subprocess.Popen(argv, env=b.env, stdin=rfd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) for argv in argv_list]
    os.close(rfd)
    pids = [p.pid for p in procs]
    if len(procs) == 1 and expect > 1:  # -n N: wait for the forks
        deadline = time.monotonic() + 60
        while len(pids := children(procs[0].pid)) < expect:
            if time.monotonic() > deadline:
                raise RuntimeError(f"restore -n {expect} forked only {len(pids)}")
            time.sleep(0.01)
    for pid in pids:
        b.wait_blocked_on_stdin(pid)
    return procs, pids, wfd


def memory(b, workload, mode, label, argv_list, n):
    procs, pids, wfd = instances(b, argv_list, n)
    try:
        mem = [b.smaps(pid) for pid in pids]
    finally:
        os.close(wfd)  # EOF: every instance does its job and exits
        failures = sum(p.wait() != 0 for p in procs)
    for metric, f in ((f"PSS, {label}", lambda m: m["Pss"]),
                      ("  Anonymous", lambda m: m["Anonymous"]),
                      ("  private", lambda m: m["Private_Clean"] + m["Private_Dirty"])):
        v = [f(m) / MIB for m in mem]
        b.add("memory", workload, f"{metric} (--anon={mode})", "MiB", statistics.median(v), None,
              min(v), max(v), len(v), failures if metric.startswith("PSS") else 0)


def rows(b, workload, snap, block_snap, stdin, n, runs):
    restore = b.tool["restore"]
    for mode in MODES:
        print(f"bench: {workload} --anon={mode} ...", file=sys.stderr, flush=True)
        b.timed("latency", workload, f"restore (--anon={mode})", [restore, f"--anon={mode}", snap],
                runs, stdin=stdin)
        memory(b, workload, mode, f"{n} restores", [[restore, f"--anon={mode}", block_snap]] * n, n)
        try:
            memory(b, workload, mode, f"restore -n {n}",
                   [[restore, f"--anon={mode}", "-n", str(n), block_snap]], n)
        except RuntimeError as e:  # Node's forked instances crash, either mode (README)
            print(f"bench: {workload} restore -n {n} --anon={mode}: {e}", file=sys.stderr)


def summary(rows, find):
    """One line per workload and figure with both modes: exact / mapped."""
    pairs = {}
    for r in rows:
        what, mode = r["metric"].rsplit(" (--anon=", 1)
        if not what.startswith(" "):  # the breakdown rows stay in the table
            pairs.setdefault((r["workload"], what, r["unit"]), {})[mode.rstrip(")")] = r["median"]
    return [(f"{w} {what}: exact / mapped", f"{v['exact']:.1f} / {v['mapped']:.1f} {unit}", None)
            for (w, what, unit), v in pairs.items() if len(v) == 2]


def main():
    def extra(ap):
        ap.add_argument("--instances", type=int, default=20)
    alone = rows_alone.Alone("restore --anon=exact against --anon=mapped", extra)
    b, quick = alone.b, alone.args.quick
    n = 3 if quick else alone.args.instances
    runs = b.runs["restore"] if quick else 31
    numpy = [PY, os.path.join(WL, "py_numpy.py")]
    rows(b, "py-numpy", b.record("py-numpy", numpy), b.record("py-numpy-block", numpy + ["--block"]),
         None, n, runs)
    java = jvm.command(b.build)
    job = os.path.join(b.snaps, "jvm.in")
    with open(job, "w") as f:
        f.write("top 3\n")
    jsnap = b.record("jvm", java)  # it blocks reading stdin on its own
    rows(b, "jvm", jsnap, jsnap, job, n, runs)
    node = [nodejs.NODE, nodejs.SCRIPT]
    rows(b, "node", b.record("node", node), b.record("node-block", node + ["--block"]), None, n,
         runs)
    alone.finish("--anon=exact against --anon=mapped", summary, "anon_modes.txt",
                 order=("latency", "memory"))


if __name__ == "__main__":
    main()
