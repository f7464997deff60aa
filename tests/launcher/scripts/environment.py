"""The environment the caller gave: os.environ, os.environb (bytes that
are not UTF-8 too) and what a child process inherits."""
import os
import subprocess
import sys

print("LAUNCHER_TEST_VAR", os.environ.get("LAUNCHER_TEST_VAR"))
print("LAUNCHER_BYTES", os.environb.get(b"LAUNCHER_BYTES"))
print("OPENBLAS_NUM_THREADS", os.environ.get("OPENBLAS_NUM_THREADS"))
print("keys", list(os.environ))
child = subprocess.run(["/usr/bin/env"], capture_output=True, check=True).stdout
print("child", sorted(child.split(b"\n")))
print("getenv matches", os.getenv("HOME"), sys.flags.ignore_environment)
