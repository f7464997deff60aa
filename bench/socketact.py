"""The socket-activation rows of the benchmark (issue 13): an HTTP request
handler in Python with numpy (examples/socket-activation/handler.py) served
by Debian's `systemd-socket-activate --inetd -a` on loopback, one process per
connection, run cold (`python3 handler.py`) against restored (`restore
NAME`), driven by Debian's curl.

    /usr/bin/python3 bench/socketact.py [--build DIR] [--quick]   # these rows
                                         # alone, also written to results/socket.txt
    ./make.sh bench                      # with the others

Each run is one curl process fetching N URLs (GET /sum?n=K for N values of
K), one at a time or 8 at a time (curl -Z --parallel-immediate); every
answer is checked (status 200, X-Restored, the JSON body byte for byte), and
every connection's process must have exited 0 (the server's log): the
failures column counts wrong or missing answers plus processes that did
not exit 0. Latency
is curl's time_total of each request (connect to last byte), median and p99
pooled over the runs; requests/s is N over the run's wall time (curl's own
start included), median, min and max of the runs.
"""
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import rows_alone

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
HANDLER = os.path.join(REPO, "examples/socket-activation/handler.py")
ACTIVATE = "/usr/bin/systemd-socket-activate"
CURL = "/usr/bin/curl"
PY = "/usr/bin/python3"
WORKLOAD = "http-numpy"

# Requests per run, runs per measurement: full and --quick. A cold Python
# with numpy costs 100+ ms a request here, so its runs are shorter.
FULL = dict(restore=200, cold=30, reps=3)
QUICK = dict(restore=40, cold=8, reps=1)


class Server:
    """systemd-socket-activate --inetd -a on a free loopback port."""

    def __init__(self, cmd, log_path):
        self.log_path = log_path
        for _ in range(10):
            self.port = random.randint(20000, 59999)
            self.log = open(log_path, "w+")
            self.proc = subprocess.Popen(
                [ACTIVATE, "--inetd", "-a", "-l", f"127.0.0.1:{self.port}"] + cmd,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.log)
            if self._listening():
                return
            self.proc.wait()
            self.log.close()
            with open(log_path) as f:
                text = f.read()
            if "Address already in use" not in text:
                raise RuntimeError(f"{ACTIVATE} did not start: {text.strip()[:300]}")
        raise RuntimeError("no free loopback port in 10 tries")

    def _listening(self):
        want = f"Listening on 127.0.0.1:{self.port} as 3."
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with open(self.log_path) as f:
                if want in f.read().splitlines():
                    return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.02)
        return False

    def exits(self):
        """(exited 0, exited otherwise) so far, from the server's log."""
        with open(self.log_path) as f:
            died = [l for l in f if l.startswith("Child ") and " died with code " in l]
        ok = sum(l.rstrip().endswith(" died with code 0") for l in died)
        return ok, len(died) - ok

    def wait_exits(self, total, timeout=10):
        """exits() once `total` processes have exited, or after timeout s."""
        deadline = time.monotonic() + timeout
        while sum(self.exits()) < total and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.exits()

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        self.log.close()


def expected(n, restored):
    s, q = n * (n + 1) // 2, n * (n + 1) * (2 * n + 1) // 6
    return (f'{{"n": {n}, "sum": {s}, "sum_sq": {q}, '
            f'"restored": {"true" if restored else "false"}}}\n').encode()


def run(port, count, parallel, restored, out_dir):
    """One curl run of `count` GETs; returns (latencies in ms, wall s, failures)."""
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    par = ["-Z", "--parallel-immediate", "--parallel-max", str(parallel)] if parallel > 1 else []
    t0 = time.monotonic()
    p = subprocess.run([CURL, "--no-progress-meter", "--max-time", "30", *par,
                        "-o", os.path.join(out_dir, "#1" if count > 1 else "1000"),
                        "-w", "%{http_code} %{time_total} %header{x-restored} %{url}\n",
                        f"http://127.0.0.1:{port}/sum?n="
                        + (f"[1000-{1000 * count}:1000]" if count > 1 else "1000")],
                       capture_output=True, text=True, timeout=300)
    wall = time.monotonic() - t0
    lat, failures, seen = [], 0, set()
    for line in p.stdout.splitlines():
        code, total, flag, url = line.split(" ")
        n = int(url.rsplit("n=", 1)[1])
        seen.add(n)
        try:
            with open(os.path.join(out_dir, str(n)), "rb") as f:
                body = f.read()
        except OSError:
            body = None
        ok = code == "200" and flag == str(int(restored)) and body == expected(n, restored)
        failures += not ok
        lat.append(float(total) * 1000)
    failures += count - len(seen)  # requests never answered
    if p.returncode != 0 and not failures:
        failures = 1
    if failures:
        print(f"bench: {WORKLOAD}: {failures} of {count} requests failed; curl exit "
              f"{p.returncode}: {p.stderr.strip()[:200]}", file=sys.stderr)
    return lat, wall, failures


def p99(values):
    v = sorted(values)
    return v[min(len(v) - 1, max(0, -(-len(v) * 99 // 100) - 1))]


def socket_rows(b, quick=False):
    """Adds the 'socket' section rows to b (a bench.Bench)."""
    for tool in (ACTIVATE, CURL):
        if not os.access(tool, os.X_OK):
            sys.exit(f"bench: {tool} not found: run ./make.sh (it installs systemd and curl)")
    R = QUICK if quick else FULL
    snap = b.record("http-handler", [PY, HANDLER])
    work = tempfile.mkdtemp(dir=b.snaps)
    rates = {}
    for mode, cmd, restored in (("cold", [PY, HANDLER], False),
                                ("restore", [b.tool["restore"], snap], True)):
        server = Server(cmd, os.path.join(work, f"{mode}.log"))
        try:
            # One untimed request first: the page cache holds Python, numpy
            # and the snapshot files for both modes alike.
            if run(server.port, 1, 1, restored, os.path.join(work, "warm"))[2] or \
                    server.wait_exits(1) != (1, 0):
                raise RuntimeError(f"{WORKLOAD} {mode}: the first request failed")
            for parallel in (1, 8):
                count = R[mode]
                lat, rate, failures = [], [], 0
                before = server.exits()
                for _ in range(R["reps"]):
                    l, wall, f = run(server.port, count, parallel, restored,
                                     os.path.join(work, "out"))
                    lat += l
                    rate.append(count / wall)
                    failures += f
                # Add the connections whose process did not exit 0.
                conns = count * R["reps"]
                ok, bad = server.wait_exits(sum(before) + conns)
                ok, bad = ok - before[0], bad - before[1]
                failures += bad + max(0, conns - ok - bad)
                what = f"{mode} per connection, {parallel} at a time"
                rates[mode, parallel] = b.add(
                    "socket", WORKLOAD, f"{what}: requests/s", "1/s", statistics.median(rate),
                    None, min(rate), max(rate), len(rate), failures)
                b.add("socket", WORKLOAD, f"{what}: latency (curl)", "ms",
                      statistics.median(lat), p99(lat), min(lat), max(lat), len(lat), failures)
        finally:
            server.stop()
    for parallel in (1, 8):
        b.add("socket", WORKLOAD, f"restore / cold requests/s, {parallel} at a time", "x",
              rates["restore", parallel] / rates["cold", parallel])
    shutil.rmtree(work, ignore_errors=True)


def targets(rows, find):
    """Report lines for these rows, if they were run."""
    out = []
    for parallel in (1, 8):
        r = find(rows, WORKLOAD, f"restore / cold requests/s, {parallel} at a time")
        if r is None:
            return []
        rl = find(rows, WORKLOAD, f"restore per connection, {parallel} at a time: latency")
        cl = find(rows, WORKLOAD, f"cold per connection, {parallel} at a time: latency")
        out.append((f"socket-activated HTTP, {parallel} at a time: restore vs cold",
                    f"{r['median']:.1f}x requests/s; median {rl['median']:.1f} vs "
                    f"{cl['median']:.1f} ms, p99 {rl['p99']:.1f} vs {cl['p99']:.1f} ms", None))
    return out


def main():
    alone = rows_alone.Alone("the socket-activation rows of the benchmark, alone")
    socket_rows(alone.b, alone.args.quick)
    alone.finish("socket-activation rows", targets, "socket.txt", order=("socket",),
                 note="\nlatency: curl's time_total per request (connect to last byte), "
                      "median/p99/min/max pooled over the runs; requests/s: median/min/max of the runs")


if __name__ == "__main__":
    main()
