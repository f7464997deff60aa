"""Reads a file by a path relative to the working directory."""
import os

with open("data/numbers.txt") as f:
    numbers = [int(line) for line in f]
print("cwd is the caller's:", os.path.basename(os.getcwd()))
print("sum", sum(numbers), "max", max(numbers))
