#!/bin/sh
# Fails the build if a freestanding binary needs any symbol from outside
# (libc, libstdc++, libgcc): `nm -u` must print nothing.
undefined=$(nm -u "$1")
if [ -n "$undefined" ]; then
  echo "error: $1 is not freestanding; undefined symbols:" >&2
  echo "$undefined" >&2
  exit 1
fi
