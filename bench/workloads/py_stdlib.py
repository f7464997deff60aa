"""Workload: Debian's python3 importing a set of standard-library modules.

Startup imports, then the snapshot point; the job is trivial and leaves with
os._exit(0) after flushing (interpreter shutdown would write to most objects
and so copy-on-write most snapshot pages: see the README). With --block, the
instance reads one line of stdin right after the snapshot point, so the
benchmark can measure its memory there (and release it by closing stdin).
fork_baseline.py imports this module and calls job() in forked children.
"""
import argparse  # noqa: F401
import collections
import csv  # noqa: F401
import dataclasses  # noqa: F401
import datetime
import decimal
import email.message
import email.parser  # noqa: F401
import email.policy  # noqa: F401  (else job() imports it: the job must stay trivial)
import heapq  # noqa: F401  (Counter.most_common imports it lazily)
import http.client  # noqa: F401
import json
import logging  # noqa: F401
import os
import pathlib  # noqa: F401
import re
import sqlite3
import sys
import urllib.parse  # noqa: F401
import xml.etree.ElementTree as ET

import snappy_checkpoint


def job():
    m = re.match(r"(\w+)@(\w+)", "user@example")
    c = collections.Counter("abracadabra").most_common(1)
    msg = email.message.EmailMessage()
    msg["Subject"] = "hi"
    x = ET.fromstring("<a><b>1</b></a>").find("b").text
    print(json.dumps([m.group(2), c, x, str(decimal.Decimal(1) / 7), msg["Subject"],
                      datetime.date(2024, 1, 1).isoformat(), sqlite3.sqlite_version]),
          flush=True)
    os._exit(0)


if __name__ == "__main__":
    snappy_checkpoint.checkpoint()
    if "--block" in sys.argv:
        sys.stdin.readline()
    job()
