#!/usr/bin/python3
"""snappy-start benchmark (issue 4): one command, one table.

    /usr/bin/python3 bench/bench.py [--build DIR] [--quick] [--out DIR]
    /usr/bin/python3 bench/bench.py --plot-only     # redraw the PNG from the CSV
    ./make.sh bench                                 # build, then this

Builds nothing: takes ptracer, restore, examples/prime_worker and
bench/{launch,floor} from the build directory (default: build/). Every
latency is timed by `launch` (posix_spawn to wait4, CLOCK_MONOTONIC) and
given as median, p99, min and max of repeated runs, all in this one run.
Writes <out>/latest.txt, latest.csv, latency.png and restore_syscalls.txt
(with --quick: quick.* and fewer runs, for a smoke check).

Run it with Debian's /usr/bin/python3 (matplotlib from python3-matplotlib).
"""
import argparse
import collections
import csv
import datetime
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import jvm
import learned
import launchers
import live
import nodejs
import pylauncher
import socketact
import writing_jobs

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
WL = os.path.join(BENCH, "workloads")
PY = "/usr/bin/python3"

# Runs per measurement: full and --quick.
FULL = dict(floor=201, cold=31, restore=101, record=11, fork=101, many=200, many_reps=3,
            mem=20, cold_mem=3, warmup=2)
QUICK = dict(floor=21, cold=3, restore=5, record=1, fork=5, many=20, many_reps=1,
             mem=4, cold_mem=1, warmup=1)

FIELDS = ["section", "workload", "metric", "median", "p99", "min", "max", "unit", "n",
          "failures"]


class Bench:
    def __init__(self, build, runs):
        self.build, self.runs = build, runs
        self.restore_faults = {}  # workload -> median minor faults of a restore
        self.tool = {
            "launch": os.path.join(build, "bench/launch"),
            "floor": os.path.join(build, "bench/floor"),
            "mapping_floor": os.path.join(build, "bench/mapping_floor"),
            "ptracer": os.path.join(build, "ptracer/ptracer"),
            "restore": os.path.join(build, "restore/restore"),
            "prime_worker": os.path.join(build, "examples/prime_worker"),
        }
        for name, path in self.tool.items():
            if not os.access(path, os.X_OK):
                sys.exit(f"bench: {name} not found at {path}: build first (./make.sh)")
        # The environment of every run, cold or recorded (see README).
        self.env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "examples/python"),
                        PYTHONDONTWRITEBYTECODE="1", OPENBLAS_NUM_THREADS="1")
        # Snapshots live on the build's file system (a real disk, not tmpfs),
        # in a directory of this run's own: two bench scripts running at
        # once must not remove each other's snapshots.
        self.snaps = tempfile.mkdtemp(prefix="bench-snapshots.", dir=build)
        self.query = os.path.join(self.snaps, "primes.in")
        with open(self.query, "w") as f:
            f.write("99999989\n")
        self.rows = []

    # --- helpers -----------------------------------------------------------

    def add(self, section, workload, metric, unit, median, p99=None, lo=None, hi=None,
            n=1, failures=0):
        self.rows.append(dict(section=section, workload=workload, metric=metric,
                              median=median, p99=p99, min=lo, max=hi, unit=unit, n=n,
                              failures=failures))
        return median

    def launch(self, cmd, runs, parallel=1, stdin=None, warmup=None):
        """Runs cmd through launch; returns its key=value output as a dict."""
        args = [self.tool["launch"], "--runs", str(runs), "--parallel", str(parallel),
                "--warmup", str(self.runs["warmup"] if warmup is None else warmup)]
        if stdin:
            args += ["--stdin", stdin]
        out = subprocess.run(args + ["--"] + cmd, env=self.env, check=True,
                             capture_output=True, text=True).stdout
        r = dict(line.split("=", 1) for line in out.split())
        return {k: (v if k == "first_failure" else float(v)) for k, v in r.items()}

    def timed(self, section, workload, metric, cmd, runs, **kw):
        r = self.launch(cmd, runs, **kw)
        if r["failures"]:
            print(f"bench: {workload} {metric}: {int(r['failures'])} of {runs} failed, "
                  f"first {r['first_failure']}", file=sys.stderr)
        self.add(section, workload, metric, "ms", r["median"], r["p99"], r["min"], r["max"],
                 runs, int(r["failures"]))
        return r

    def record(self, name, cmd):
        """Records cmd into NAME once, untimed; checks it stopped at the marker."""
        snap = os.path.join(self.snaps, name)
        p = subprocess.run([self.tool["ptracer"], "-o", snap] + cmd, env=self.env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        if p.returncode != 0 or "checkpoint marker" not in p.stderr:
            sys.exit(f"bench: recording {name} did not stop at the marker: {p.stderr.strip()}")
        return snap

    def supports(self, restore_args):
        """Whether this build's restore takes these options (exit 2: usage)."""
        return subprocess.run([self.tool["restore"]] + restore_args, env=self.env,
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode != 2

    @staticmethod
    def wait_blocked_on_stdin(pid, timeout=60):
        """Waits until a thread of pid sits in read(0, ...): it reached the
        point after the snapshot marker where the --block variants read stdin
        (any thread: a JVM reads on its main Java thread, not the first)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                tids = os.listdir(f"/proc/{pid}/task")
            except OSError:
                tids = []
            for tid in tids:
                try:
                    with open(f"/proc/{pid}/task/{tid}/syscall") as f:
                        fields = f.read().split()
                except OSError:
                    fields = []
                if fields[:2] == ["0", "0x0"]:
                    return
            time.sleep(0.005)
        raise RuntimeError(f"pid {pid} never blocked reading stdin")

    @staticmethod
    def smaps(pid):
        """/proc/PID/smaps_rollup in bytes."""
        out = {}
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                m = re.match(r"(\w+):\s+(\d+) kB", line)
                if m:
                    out[m.group(1)] = int(m.group(2)) * 1024
        return out

    def cold_blocked(self, cmd):
        """smaps_rollup of a cold instance blocked right after the marker, alone."""
        p = subprocess.Popen(cmd, env=self.env, stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            self.wait_blocked_on_stdin(p.pid)
            return self.smaps(p.pid)
        finally:
            p.stdin.close()
            p.wait()

    # --- the measurements --------------------------------------------------

    def cpu_ms(self, cmd, runs):
        """User + system CPU time of cmd (all its threads, from wait4), one run at a time."""
        out = []
        for _ in range(runs):
            with open(os.devnull, "r+b") as null:
                p = subprocess.Popen(cmd, env=self.env, stdin=null, stdout=null, stderr=null)
                _, status, ru = os.wait4(p.pid, 0)
            if os.waitstatus_to_exitcode(status) != 0:
                sys.exit(f"bench: {' '.join(cmd)} failed ({status})")
            out.append((ru.ru_utime + ru.ru_stime) * 1e3)
        return out

    def floor(self):
        return self.timed("latency", "floor", "exec static no-libc", [self.tool["floor"]],
                          self.runs["floor"])["median"]

    def workload(self, name, cmd, block_cmd, stdin, fork_module, floor_ms):
        R = self.runs
        snap = self.record(name, cmd)
        rec = self.timed("latency", name, "record", [self.tool["ptracer"], "-o", snap] + cmd,
                         R["record"], warmup=0)
        cold = self.timed("latency", name, "cold", cmd, R["cold"], stdin=stdin)
        rest = self.timed("latency", name, "restore", [self.tool["restore"], snap],
                          R["restore"], stdin=stdin)
        self.restore_faults[name] = rest["minflt_median"]
        if self.supports(["--populate", snap]):  # prefault written pages: does it help?
            self.timed("latency", name, "restore --populate",
                       [self.tool["restore"], "--populate", snap], R["restore"], stdin=stdin)
        if fork_module:
            out = subprocess.run([PY, os.path.join(WL, "fork_baseline.py"), fork_module,
                                  str(R["fork"])], env=self.env, check=True,
                                 capture_output=True, text=True).stdout
            f = {k: float(v) for k, v in (line.split("=") for line in out.split())}
            self.add("latency", name, "fork (warm parent)", "ms", f["median"], f["p99"],
                     f["min"], f["max"], R["fork"], int(f["failures"]))
        self.add("ratio", name, "cold / restore", "x", cold["median"] / rest["median"])
        self.add("ratio", name, "restore / floor", "x", rest["median"] / floor_ms)
        self.add("ratio", name, "record / cold", "x", rec["median"] / cold["median"])

        # Size: what the snapshot stores against what the process had written.
        # Written memory = Anonymous of a cold instance blocked at the same
        # point: every page it wrote in a private mapping is an anonymous page
        # (anonymous memory, and file pages copied on write). Private_Dirty
        # counts the same pages (no fork, no shared writable mappings here);
        # adding the two would count them twice.
        cold_mem = [self.cold_blocked(block_cmd) for _ in range(R["cold_mem"])]
        st = os.stat(snap + ".pages")
        written = statistics.median(m["Anonymous"] for m in cold_mem)
        mib = 1 << 20
        self.add("size", name, "pages on disk (du)", "MiB", st.st_blocks * 512 / mib)
        self.add("size", name, "pages apparent", "MiB", st.st_size / mib)
        self.add("size", name, "info", "KiB", os.stat(snap + ".info").st_size / 1024)
        self.add("size", name, "written by cold (Anonymous)", "MiB", written / mib,
                 None, min(m["Anonymous"] for m in cold_mem) / mib,
                 max(m["Anonymous"] for m in cold_mem) / mib, R["cold_mem"])
        self.add("size", name, "  check: Private_Dirty", "MiB",
                 statistics.median(m["Private_Dirty"] for m in cold_mem) / mib,
                 n=R["cold_mem"])
        self.add("size", name, "zero pages stored", "pages", zero_pages(snap + ".pages"))
        self.add("ratio", name, "pages on disk / written", "x",
                 st.st_blocks * 512 / written)
        return snap, cold_mem

    def memory(self, block_cmd, cold_mem):
        """N concurrent restored numpy instances, all blocked after the marker."""
        snap = self.record("py-numpy-block", block_cmd)
        self.memory_rows("py-numpy", snap, cold_mem, self.runs["mem"], anonymous=True)

    def blocked_memory(self, argv_list):
        """smaps_rollup of each argv, all started at once on one stdin pipe
        and blocked reading it; then EOF. Returns (smaps list, how many did
        not exit 0). restore becomes the program in the same process: the
        pid spawned is the instance."""
        rfd, wfd = os.pipe()
        procs = [subprocess.Popen(argv, env=self.env, stdin=rfd, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL) for argv in argv_list]
        os.close(rfd)
        try:
            for p in procs:
                self.wait_blocked_on_stdin(p.pid)
            mem = [self.smaps(p.pid) for p in procs]
        finally:
            os.close(wfd)
            failures = sum(p.wait() != 0 for p in procs)
        return mem, failures

    def memory_rows(self, name, snap, cold_mem, n, anonymous=False):
        """n restored instances of `snap` at once, each blocked reading stdin
        right after its snapshot point; /proc/PID/smaps_rollup of each, then
        EOF: every instance finishes its job and exits 0. Rows for `name`."""
        mem, failures = self.blocked_memory([[self.tool["restore"], snap]] * n)
        mib = 1 << 20

        def row(metric, f, values, failures=0):
            v = [f(m) / mib for m in values]
            return self.add("memory", name, metric, "MiB", statistics.median(v), None,
                            min(v), max(v), len(v), failures)
        pss = row(f"PSS restored ({n} running)", lambda m: m["Pss"], mem, failures)
        row("  Rss restored", lambda m: m["Rss"], mem)
        row("  shared (Shared_Clean+Dirty)", lambda m: m["Shared_Clean"] + m["Shared_Dirty"], mem)
        row("  private (Private_Clean+Dirty)",
            lambda m: m["Private_Clean"] + m["Private_Dirty"], mem)
        if anonymous:
            row("  Anonymous (copied) restored", lambda m: m["Anonymous"], mem)
        cold = row("PSS cold (alone)", lambda m: m["Pss"], cold_mem)
        self.add("ratio", name, "PSS restored / cold", "x", pss / cold)

    def many(self, snap):
        """Throughput with 2 at a time; latency with 8 at a time."""
        R = self.runs
        cmd = [self.tool["restore"], snap]
        reps = [self.launch(cmd, R["many"], parallel=2) for _ in range(R["many_reps"])]
        rate = [r["per_s"] for r in reps]
        self.add("throughput", "py-numpy", f"restores/s, {R['many']} x2 parallel", "1/s",
                 statistics.median(rate), None, min(rate), max(rate), len(reps),
                 int(sum(r["failures"] for r in reps)))
        # restore -n N: map once, fork N instances from that address space.
        if self.supports(["-n", "1", snap]):
            reps = [self.launch([self.tool["restore"], "-n", str(R["many"]), snap], 1,
                                warmup=0) for _ in range(R["many_reps"])]
            rate = [R["many"] / (r["median"] / 1e3) for r in reps]
            self.add("throughput", "py-numpy", f"restores/s, restore -n {R['many']}", "1/s",
                     statistics.median(rate), None, min(rate), max(rate), len(reps),
                     int(sum(r["failures"] for r in reps)))
        self.timed("concurrency", "py-numpy", f"restore, {R['many']} x8 parallel", cmd,
                   R["many"], parallel=8)

    def restore_syscalls(self, snap, path):
        """restore's own syscalls: strace the instance (strace without -f
        follows the process past the jump, since restore becomes the
        program), and count up to and including the first rt_sigreturn, the
        jump. The two after it, munmap of restore's window and rt_sigreturn
        into the program, are restore's exit and listed apart."""
        log = os.path.join(self.snaps, "strace.txt")
        subprocess.run(["strace", "-o", log, self.tool["restore"], snap], env=self.env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
        names = [re.match(r"(\w+)\(", line).group(1) for line in open(log)
                 if re.match(r"\w+\(", line)]
        jump = names.index("rt_sigreturn") + 1
        mine, after = names[:jump], names[jump:jump + 2]
        exit_seq = after if after == ["munmap", "rt_sigreturn"] else []
        with open(path, "w") as f:
            f.write(f"restore's syscalls for the py-numpy snapshot, from execve to the jump\n"
                    f"(the first rt_sigreturn), counted with strace:\n\n"
                    f"  {len(mine)} syscalls\n\n")
            for name, count in collections.Counter(mine).most_common():
                f.write(f"  {count:5d}  {name}\n")
            f.write("\nafter the jump, restore's exit: "
                    + (" + ".join(exit_seq) if exit_seq else "(none: window left mapped)")
                    + "\n")
        self.add("restore", "py-numpy", "syscalls to the jump", "calls", len(mine))
        self.add("restore", "py-numpy", "  of which mmap", "calls", mine.count("mmap"))
        # The kernel's share of such an instance: exec, as many file mmaps
        # and read faults as it makes, exit (bench/mapping_floor.c). The
        # instance's count includes its exec's own faults, which
        # mapping_floor's exec takes again: those are taken off.
        mmaps = mine.count("mmap")
        floor_cmd = [self.tool["mapping_floor"], os.path.realpath(PY), str(mmaps)]
        exec_faults = self.launch(floor_cmd + ["0"], 5)["minflt_median"]
        faults = max(0, round(self.restore_faults["py-numpy"] - exec_faults))
        self.timed("latency", "floor", f"exec + py-numpy's {mmaps} mmaps, {faults} faults",
                   floor_cmd + [str(faults)], self.runs["floor"])


def zero_pages(path):
    """4 KiB pages of stored data (not holes) that are all zero."""
    zero, page = 0, bytes(4096)
    with open(path, "rb") as f:
        fd, end, pos = f.fileno(), os.fstat(f.fileno()).st_size, 0
        while pos < end:
            try:
                pos = os.lseek(fd, pos, os.SEEK_DATA)
            except OSError:
                break
            hole = os.lseek(fd, pos, os.SEEK_HOLE)
            f.seek(pos)
            while pos < hole:
                chunk = f.read(min(hole - pos, 1 << 20))
                zero += sum(chunk[i:i + 4096] == page for i in range(0, len(chunk), 4096))
                pos += len(chunk)
    return zero


# --- targets, output --------------------------------------------------------

def find(rows, workload, metric):
    for r in rows:
        if r["workload"] == workload and r["metric"].startswith(metric):
            return r
    return None


def targets(rows):
    """(target, figure, met?) for each target of issue 4."""
    out = []
    num = lambda w, m: find(rows, w, m)["median"]
    rf = num("py-numpy", "restore / floor")
    out.append(("numpy restore+job <= 3x floor", f"{rf:.1f}x", rf <= 3))
    cr = num("py-numpy", "cold / restore")
    out.append(("numpy restore >= 40x faster than cold", f"{cr:.1f}x", cr >= 40))
    # Issue 15's, beside the floor of what the kernel alone takes for the
    # instance's mmaps and faults (restore_syscalls).
    rest = num("py-numpy", "restore")
    fl = find(rows, "floor", "exec + py-numpy's")
    floor_note = f" (kernel floor for its mmaps and faults: {fl['median']:.2f} ms)" if fl else ""
    out.append(("numpy trivial job restored <= 1.2 ms", f"{rest:.2f} ms{floor_note}", rest <= 1.2))
    out.append(("numpy restore >= 70x faster than cold", f"{cr:.1f}x", cr >= 70))
    c8 = next(r for r in rows if r["section"] == "concurrency")
    out.append(("p99 with 8 parallel, next to median",
                f"median {c8['median']:.2f} ms, p99 {c8['p99']:.2f} ms", None))
    for w in workloads_in(rows):
        r = num(w, "record / cold")
        out.append((f"{w}: record <= 1.5x cold", f"{r:.2f}x", r <= 1.5))
    p = num("py-numpy", "PSS restored / cold")
    out.append(("numpy PSS restored <= 30% of cold", f"{100 * p:.1f}%", p <= 0.30))
    out += jvm.targets(rows, find)
    out += nodejs.targets(rows, find)
    out += learned.targets(rows, find)
    out += pylauncher.targets(rows, find)
    out += launchers.targets(rows, find)
    out += socketact.targets(rows, find)
    out += writing_jobs.targets(rows, find)
    for w in workloads_in(rows):
        r = num(w, "pages on disk / written")
        out.append((f"{w}: pages on disk <= 1.1x written", f"{r:.2f}x", r <= 1.1))
    for w in workloads_in(rows):
        z = num(w, "zero pages stored")
        out.append((f"{w}: no zero page stored", f"{z:.0f} zero pages", z == 0))
    for r in rows:
        if r["section"] != "snap" or r["metric"] != "gcore / snap time":
            continue
        w = r["workload"]
        out.append((f"snap {w}: >= 5x faster than gcore", f"{r['median']:.1f}x", r["median"] >= 5))
        pause = num(w, "snap pause")
        out.append((f"snap {w}: pause < 100 ms", f"{pause:.1f} ms", pause < 100))
        written, nonzero = num(w, "snap bytes written"), num(w, "non-zero memory")
        out.append((f"snap {w}: output <= non-zero memory", f"{written:.0f} / {nonzero:.0f} MiB",
                    written <= nonzero * 1.02))
    return out


def workloads_in(rows):
    return list(dict.fromkeys(r["workload"] for r in rows
                              if r["metric"] == "restore" and r["section"] == "latency"))


def fmt(v):
    if v is None or v == "":
        return "-"
    v = float(v)
    if v == 0 or abs(v) >= 100:
        return f"{v:.0f}"
    return f"{v:.1f}" if abs(v) >= 10 else f"{v:.2f}" if abs(v) >= 0.1 else f"{v:.3f}"


def table(rows, header, tgt):
    cols = [("section", "l"), ("workload", "l"), ("metric", "l"), ("median", "r"),
            ("p99", "r"), ("min", "r"), ("max", "r"), ("unit", "l"), ("n", "r"),
            ("failures", "r")]
    cells = [[c for c, _ in cols]]
    prev = None
    for r in rows:
        sec = r["section"] if r["section"] != prev else ""
        prev = r["section"]
        cells.append([sec, r["workload"], r["metric"]] +
                     [fmt(r[k]) for k in ("median", "p99", "min", "max")] +
                     [r["unit"], str(r["n"]), str(r["failures"])])
    width = [max(len(row[i]) for row in cells) for i in range(len(cols))]
    lines = [header, ""]
    for row in cells:
        lines.append("  ".join(c.ljust(w) if a == "l" else c.rjust(w)
                               for c, w, (_, a) in zip(row, width, cols)).rstrip())
    failed = sum(int(r["failures"]) for r in rows)
    lines += ["", f"failed runs: {failed}" + ("  <-- SEE 'failures' COLUMN" if failed else ""),
              "", "targets (of issue 4 and the later issues):"]
    tw = max(len(t) for t, _, _ in tgt)
    for t, fig, ok in tgt:
        mark = "report" if ok is None else "met" if ok else "MISSED"
        lines.append(f"  {mark:7} {t.ljust(tw)}  {fig}")
    return "\n".join(lines) + "\n"


def plot(csv_path, png_path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = list(csv.DictReader(open(csv_path)))
    lat = [r for r in rows if r["section"] == "latency"]
    floor = find(lat, "floor", "exec static")
    kinds = [("cold", "cold", "#d62728"), ("restore", "restore", "#2ca02c"),
             ("fork (warm parent)", "fork (warm parent)", "#1f77b4")]
    wls = workloads_in(lat)
    fig, ax = plt.subplots(figsize=(9, 4.8), dpi=100)
    width = 0.26
    for k, (metric, label, color) in enumerate(kinds):
        xs, ys, lo, hi = [], [], [], []
        for i, w in enumerate(wls):
            r = find(lat, w, metric)
            if r and r["metric"] == metric:
                m = float(r["median"])
                xs.append(i + (k - 1) * width)
                ys.append(m)
                lo.append(m - float(r["min"]))
                hi.append(float(r["max"]) - m)
        bars = ax.bar(xs, ys, width, yerr=[lo, hi], capsize=3, color=color, label=label)
        ax.bar_label(bars, labels=[fmt(y) for y in ys], fontsize=7, padding=2)
    fm = float(floor["median"])
    ax.axhline(fm, color="black", linestyle="--", linewidth=1)
    ax.text(-0.45, fm * 1.12, f"floor (static exit): {fmt(fm)} ms", fontsize=8)
    ax.set_yscale("log")
    ax.set_ylim(bottom=fm / 2)
    ax.set_xticks(range(len(wls)), wls)
    ax.set_ylabel("ms (median; bars: min-max)")
    ax.set_title("snappy-start: instance start + trivial job, launch to reap")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(png_path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--out", default=os.path.join(BENCH, "results"))
    ap.add_argument("--quick", action="store_true", help="few runs: a smoke check")
    ap.add_argument("--plot-only", action="store_true", help="redraw the PNG from the CSV")
    a = ap.parse_args()
    stem = "quick" if a.quick else "latest"
    os.makedirs(a.out, exist_ok=True)
    csv_path = os.path.join(a.out, stem + ".csv")
    png_path = os.path.join(a.out, "latency.png" if stem == "latest" else "quick.png")
    if a.plot_only:
        plot(csv_path, png_path)
        return

    t0 = time.monotonic()
    load0 = os.getloadavg()[0]
    b = Bench(os.path.abspath(a.build), QUICK if a.quick else FULL)
    floor_ms = b.floor()
    numpy = [PY, os.path.join(WL, "py_numpy.py")]
    work = [  # name, cmd, blocking variant, stdin of timed runs, fork module
        ("c-primes", [b.tool["prime_worker"]], [b.tool["prime_worker"]], b.query, None),
        ("py-stdlib", [PY, os.path.join(WL, "py_stdlib.py")],
         [PY, os.path.join(WL, "py_stdlib.py"), "--block"], None, "py_stdlib"),
        ("py-numpy", numpy, numpy + ["--block"], None, "py_numpy"),
        ("perl", ["/usr/bin/perl", os.path.join(WL, "perl_core.pl")],
         ["/usr/bin/perl", os.path.join(WL, "perl_core.pl"), "--block"], None, None),
    ]
    for name, cmd, block, stdin, fork_module in work:
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        snap, cold_mem = b.workload(name, cmd, block, stdin, fork_module, floor_ms)
        if name == "py-numpy":
            numpy_snap, numpy_cold_mem = snap, cold_mem
    print("bench: jvm ...", file=sys.stderr, flush=True)
    jvm.jvm_rows(b, floor_ms, a.quick)
    nodejs.node_rows(b, floor_ms, a.quick)  # prints its own progress
    learned.learned_rows(b, a.quick)         # so does this
    pylauncher.launcher_rows(b, floor_ms)  # prints its own progress
    launchers.launcher_rows(b, a.quick)     # so does this
    print("bench: socket-activated HTTP handler ...", file=sys.stderr, flush=True)
    socketact.socket_rows(b, a.quick)
    writing = writing_jobs.writing_rows(b, a.quick)  # prints its own progress
    print("bench: memory, throughput, syscalls ...", file=sys.stderr, flush=True)
    b.memory(numpy + ["--block"], numpy_cold_mem)
    b.many(numpy_snap)
    b.restore_syscalls(numpy_snap, os.path.join(
        a.out, "quick_restore_syscalls.txt" if a.quick else "restore_syscalls.txt"))
    print("bench: snap against gdb gcore ...", file=sys.stderr, flush=True)
    live.live_rows(b, 256 if a.quick else 2048, 1 if a.quick else 3, 1)
    # Sections together, in a fixed order.
    order = ["latency", "ratio", "writing", "concurrency", "throughput", "socket", "memory", "size", "restore",
             "snap"]
    b.rows.sort(key=lambda r: order.index(r["section"]))

    elapsed = time.monotonic() - t0
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), "?")
    header = (f"snappy-start benchmark{' (--quick)' if a.quick else ''}, "
              f"{datetime.datetime.now():%Y-%m-%d %H:%M}, kernel {platform.release()}, "
              f"{os.cpu_count()} x {cpu}\n"
              f"load average {load0:.2f} at start, {os.getloadavg()[0]:.2f} at end; "
              f"benchmark took {elapsed:.0f} s\n"
              f"latency: posix_spawn to wait4 reap, trivial job included; "
              f"median/p99/min/max over n runs")
    text = table(b.rows, header, targets(b.rows)) + "\n" + writing
    print(text, end="")
    with open(os.path.join(a.out, stem + ".txt"), "w") as f:
        f.write(text)
    with open(csv_path, "w", newline="") as f:
        w = csv.DictWriter(f, FIELDS)
        w.writeheader()
        for r in b.rows:
            w.writerow({k: (f"{r[k]:.6g}" if isinstance(r[k], float) else
                            "" if r[k] is None else r[k]) for k in FIELDS})
    plot(csv_path, png_path)
    shutil.rmtree(b.snaps, ignore_errors=True)
    print(f"wrote {a.out}/{stem}.txt, {stem}.csv, {os.path.basename(png_path)}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
