"""The launcher rows of the benchmark (issue 13): a pre-warmed node and a
pre-warmed JVM, each recorded once, then restored to run an ordinary
program exactly as its cold command would.

    /usr/bin/python3 bench/launchers.py [--build DIR] [--quick]   # these rows alone
                                                    # (results/launchers.txt)
    ./make.sh bench                                  # with the others

  node-launcher  `node workloads/launcher_job.js`  against
                 `restore node-warm workloads/launcher_job.js`, node-warm being
                 `node -r examples/node-launcher/launcher.js (the same)`
  jvm-launcher   `java -cp BUILD/bench/classes LauncherJob`  against
                 `restore jvm-warm LauncherJob`, jvm-warm being
                 `java FLAGS -Xbootclasspath/a:BUILD/examples/jvm-launcher/classes
                  -cp BUILD/bench/classes Launcher`
The cold commands are the plain ones a user would type (no flags): that is
what the launcher replaces. Wall time from spawn to reap (launch), and CPU
time (user + system of all threads, wait4). stdout goes to /dev/null.
"""
import os
import shutil
import statistics
import sys


import rows_alone

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
NODE = "/usr/bin/node"
NODE_JOB = os.path.join(BENCH, "workloads", "launcher_job.js")
NODE_LAUNCHER = os.path.join(REPO, "examples", "node-launcher", "launcher.js")
# The JVM records with its default flags (examples/jvm/README.md); the opens
# are for SnappyCheckpoint.adopt() (examples/jvm-launcher/README.md).
JVM_FLAGS = ["--add-opens", "java.base/java.lang=ALL-UNNAMED",
             "--add-opens", "java.base/java.io=ALL-UNNAMED",
             "--add-opens", "java.base/sun.nio.fs=ALL-UNNAMED"]


def commands(build):
    """(name, cold command, recorded command, restore arguments) per launcher."""
    java = shutil.which("java")
    classes = os.path.join(build, "bench", "classes")
    launcher = os.path.join(build, "examples", "jvm-launcher", "classes")
    if not os.access(NODE, os.X_OK):
        sys.exit(f"bench: {NODE} missing: run ./make.sh (it installs Debian's nodejs)")
    if not java or not os.path.exists(os.path.join(classes, "LauncherJob.class")) \
            or not os.path.exists(os.path.join(launcher, "Launcher.class")):
        sys.exit("bench: java, bench/classes or examples/jvm-launcher/classes missing: "
                 "run ./make.sh (it installs openjdk-17-jdk-headless and compiles them)")
    return [
        ("node-launcher", [NODE, NODE_JOB], [NODE, "-r", NODE_LAUNCHER, NODE_LAUNCHER],
         [NODE_JOB]),
        ("jvm-launcher", [java, "-cp", classes, "LauncherJob"],
         [java] + JVM_FLAGS + [f"-Xbootclasspath/a:{launcher}", "-cp", classes, "Launcher"],
         ["LauncherJob"]),
    ]


def launcher_rows(b, quick=False):
    saved = b.runs  # node and the JVM start slowly: fewer runs than the defaults
    b.runs = dict(saved, cold=min(saved["cold"], 11), restore=min(saved["restore"], 31))
    try:
        for name, cold_cmd, record_cmd, args in commands(b.build):
            print(f"bench: {name} ...", file=sys.stderr, flush=True)
            snap = b.record(name, record_cmd)
            restore_cmd = [b.tool["restore"], snap] + args
            cold = b.timed("latency", name, "cold (" + os.path.basename(cold_cmd[0]) + " ...)",
                           cold_cmd, b.runs["cold"])
            rest = b.timed("latency", name, "restore SNAP ARGS", restore_cmd, b.runs["restore"])
            for kind, c in (("cold", cold_cmd), ("restore", restore_cmd)):
                v = b.cpu_ms(c, b.runs["cold"])
                b.add("latency", name, f"cpu time (user+sys), {kind}", "ms",
                      statistics.median(v), None, min(v), max(v), len(v))
            b.add("ratio", name, "cold / restore", "x", cold["median"] / rest["median"])
    finally:
        b.runs = saved


def targets(rows, find):
    """Report lines (the issue sets no figure), if the rows were run."""
    out = []
    for name in ("node-launcher", "jvm-launcher"):
        cr = find(rows, name, "cold / restore")
        cold = find(rows, name, "cold (")
        rest = find(rows, name, "restore SNAP ARGS")
        if cr is not None:
            out.append((f"{name}: cold command vs restore SNAP ARGS",
                        f"{cold['median']:.0f} ms vs {rest['median']:.0f} ms, "
                        f"{cr['median']:.1f}x", None))
    return out


def main():
    alone = rows_alone.Alone("the launcher rows of the benchmark, alone")
    launcher_rows(alone.b, alone.args.quick)
    alone.finish("launcher rows", targets, "launchers.txt", order=("latency", "ratio"))


if __name__ == "__main__":
    main()
