#!/bin/sh
# Fails the build if a freestanding binary needs any symbol from outside
# (libc, libstdc++, libgcc): `nm -u` must print nothing.
undefined=$(nm -u "$1")
if [ -n "$undefined" ]; then
  echo "error: $1 is not freestanding; undefined symbols:" >&2
  echo "$undefined" >&2
  exit 1
fi
# Nothing runs static constructors without a C runtime.
if readelf -SW "$1" | grep -q '\.init_array\|\.ctors'; then
  echo "error: $1 has static constructors (.init_array), which never run" >&2
  exit 1
fi
