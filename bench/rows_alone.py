"""Running one group of the benchmark's rows on its own (`python3 bench/jvm.py`,
`bench/nodejs.py`, `bench/launchers.py`, `bench/pylauncher.py`,
`bench/socketact.py`, `bench/writing_jobs.py`): the command line, the header, the table and the
results file they share. `./make.sh bench` runs every group through bench.py.
"""
import argparse
import datetime
import os
import platform
import shutil
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)


class Alone:
    """One standalone run: parse the arguments, make the Bench, then finish()."""

    def __init__(self, description, extra_args=None):
        import bench
        self.bench = bench
        ap = argparse.ArgumentParser(description=description)
        ap.add_argument("--build", default=os.path.join(REPO, "build"))
        ap.add_argument("--quick", action="store_true")
        if extra_args:
            extra_args(ap)
        self.args = ap.parse_args()
        self.t0, self.load0 = time.monotonic(), os.getloadavg()[0]
        self.b = bench.Bench(os.path.abspath(self.args.build), bench.QUICK if self.args.quick else bench.FULL)

    def finish(self, title, targets, results_name, order=("latency", "ratio", "memory", "size"), note="",
               appendix=""):
        """Prints the table of the rows made (then `appendix`, if any), and
        writes results/RESULTS_NAME (not with --quick)."""
        b, quick = self.b, self.args.quick
        b.rows.sort(key=lambda r: list(order).index(r["section"]))
        header = (f"snappy-start benchmark, {title}{' (--quick)' if quick else ''}, "
                  f"{datetime.datetime.now():%Y-%m-%d %H:%M}, kernel {platform.release()}, "
                  f"{os.cpu_count()} CPUs\nload average {self.load0:.2f} at start, "
                  f"{os.getloadavg()[0]:.2f} at end; took {time.monotonic() - self.t0:.0f} s{note}")
        text = self.bench.table(b.rows, header, targets(b.rows, self.bench.find))
        if appendix:
            text += "\n" + appendix
        print(text, end="")
        if not quick:
            with open(os.path.join(BENCH, "results", results_name), "w") as f:
                f.write(text)
        shutil.rmtree(b.snaps, ignore_errors=True)
