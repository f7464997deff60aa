"""The JVM rows of the benchmark (issue 8): OpenJDK 17 running
examples/jvm's ReportWorker (javax.xml, java.time, regex, streams, a
260 KB CSV parsed into sorted maps before its snapshot point), cold against
restored, and the memory of 10 restored instances running at once.

    /usr/bin/python3 bench/jvm.py [--build DIR] [--quick]   # these rows alone,
                                                  # also written to results/jvm.txt
    ./make.sh bench                                          # with the others

The job of every timed run is one query on stdin ("top 3"); the program
leaves with Runtime.halt after flushing its output (examples/jvm/README.md
says why). Cold and recorded runs use the same command, with the JVM's
default flags (perf data in /tmp, container support), so the cold start is
the JVM as users run it.
"""
import os
import shutil
import sys

import rows_alone

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)

MEM_INSTANCES = 10


def command(build):
    java = shutil.which("java")
    classes = os.path.join(build, "examples/jvm/classes")
    if not java or not os.path.exists(os.path.join(classes, "ReportWorker.class")):
        sys.exit("bench: java or examples/jvm/classes missing: run ./make.sh "
                 "(it installs openjdk-17-jdk-headless and compiles the example)")
    return [java, "-cp", classes, "ReportWorker", os.path.join(REPO, "examples/jvm/data")]


def jvm_rows(b, floor_ms, quick=False):
    cmd = command(b.build)
    job = os.path.join(b.snaps, "jvm.in")
    with open(job, "w") as f:
        f.write("top 3\n")
    # The program blocks reading stdin (a pipe) right after its snapshot
    # point on its own: the blocking variant is the program itself.
    snap, cold_mem = b.workload("jvm", cmd, cmd, job, None, floor_ms)
    b.memory_rows("jvm", snap, cold_mem, 2 if quick else MEM_INSTANCES)


def targets(rows, find):
    """The issue's JVM target and report lines, if the JVM rows were run."""
    cr = find(rows, "jvm", "cold / restore")
    if cr is None:
        return []
    pss = find(rows, "jvm", "PSS restored (")
    cold = find(rows, "jvm", "PSS cold")
    return [("jvm restore >= 30x faster than cold (issue 15)", f"{cr['median']:.1f}x", cr["median"] >= 30),
            (f"jvm PSS per instance, {pss['n']} running",
             f"{pss['median']:.1f} MiB (cold alone {cold['median']:.1f} MiB)", None)]


def main():
    alone = rows_alone.Alone("the JVM rows of the benchmark, alone")
    jvm_rows(alone.b, alone.b.floor(), alone.args.quick)
    alone.finish("JVM rows", targets, "jvm.txt")


if __name__ == "__main__":
    main()
