"""The live-snapshot rows of the benchmark (issue 6): `snap` against gdb's
gcore on one process with a large touched heap (half of its pages non-zero)
and four threads (tests/snap/live_target), in the same run: time to
snapshot, pause, bytes written, against the non-zero memory."""

import os
import re
import signal
import statistics
import subprocess
import tempfile
import time


def _start_target(build, heap_mib):
    target = os.path.join(build, "tests/snap/live_target")
    p = subprocess.Popen([target, "3600", str(heap_mib)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    if not line.startswith("ready"):
        p.kill()
        raise RuntimeError(f"live_target did not start: {line!r}")
    return p


def _allocated(path):
    return os.stat(path).st_blocks * 512


def live_rows(bench, heap_mib, snap_runs, gcore_runs):
    """Adds the 'snap' section rows to bench (a Bench)."""
    snap = os.path.join(bench.build, "ptracer/snap")
    target = _start_target(bench.build, heap_mib)
    work = tempfile.mkdtemp(dir=bench.snaps)
    name = f"{heap_mib // 1024} GiB heap" if heap_mib >= 1024 else f"{heap_mib} MiB heap"
    try:
        totals, pauses, stored = [], [], []
        for i in range(snap_runs):
            out = os.path.join(work, f"snap{i}")
            t0 = time.monotonic()
            r = subprocess.run([snap, "-o", out, str(target.pid)], capture_output=True, text=True)
            totals.append((time.monotonic() - t0) * 1000)
            if r.returncode != 0:
                raise RuntimeError(f"snap failed: {r.stderr.strip()}")
            m = re.search(r"pause ([0-9.]+) ms \((\w+)", r.stdout + r.stderr)
            if not m:
                raise RuntimeError(f"snap printed no pause: {r.stdout}{r.stderr}")
            pauses.append(float(m.group(1)))
            stored.append(_allocated(out + ".pages") + os.path.getsize(out + ".info"))
            os.remove(out + ".pages")
            os.remove(out + ".info")
        gcores, core_sizes = [], []
        for i in range(gcore_runs):
            core = os.path.join(work, f"gcore{i}")
            t0 = time.monotonic()
            r = subprocess.run(["gdb", "-batch", "-p", str(target.pid), "-ex", f"gcore {core}"],
                               capture_output=True, text=True)
            gcores.append((time.monotonic() - t0) * 1000)
            if r.returncode != 0 or not os.path.exists(core):
                raise RuntimeError(f"gdb gcore failed: {r.stderr.strip()[-300:]}")
            core_sizes.append(_allocated(core))
            os.remove(core)
        nonzero = heap_mib / 2  # live_target writes every other half of its heap
        med = statistics.median
        bench.add("snap", name, "snap, end to end", "ms", med(totals), None, min(totals), max(totals),
                  snap_runs)
        bench.add("snap", name, "snap pause (fork)", "ms", med(pauses), None, min(pauses), max(pauses),
                  snap_runs)
        bench.add("snap", name, "gdb gcore, end to end", "ms", med(gcores), None, min(gcores),
                  max(gcores), gcore_runs)
        bench.add("snap", name, "gcore / snap time", "x", med(gcores) / med(totals))
        bench.add("snap", name, "snap bytes written (allocated)", "MiB", med(stored) / 2**20)
        bench.add("snap", name, "gcore bytes written (allocated)", "MiB", med(core_sizes) / 2**20)
        bench.add("snap", name, "non-zero memory of the heap", "MiB", nonzero)
    finally:
        target.send_signal(signal.SIGKILL)
        target.wait()
