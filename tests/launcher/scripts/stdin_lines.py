"""Reads stdin to the end: counts lines and words, echoes them upper-cased."""
import sys

lines = sys.stdin.read().splitlines()
for line in lines:
    print(line.upper())
print("lines", len(lines), "words", sum(len(line.split()) for line in lines))
