"""Writes to stdout and stderr, through print, sys.stderr and os.write."""
import os
import sys

print("out 1")
print("err 1", file=sys.stderr)
sys.stdout.write("out 2 without newline")
sys.stderr.write("err 2 without newline")
os.write(2, b"\nraw to fd 2\n")
print("\nout 3", flush=True)
