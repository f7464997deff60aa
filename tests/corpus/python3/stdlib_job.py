"""Corpus case: Debian's python3 with a stdlib-heavy startup.

Before the checkpoint: imports a broad slice of the standard library and
builds some tables. After it: reads numbers from stdin and prints results
of json, re, decimal, fractions, collections, itertools, datetime (fixed
dates), hashlib, textwrap, difflib, statistics, struct, base64, zlib, heapq,
bisect, math, string formatting. Output is deterministic for a fixed
PYTHONHASHSEED (the runner sets PYTHONHASHSEED=0 for every run); sets are
printed sorted anyway. Nothing printed depends on whether it runs restored.
"""
# snappy-test: case=python3_stdlib
# snappy-test: run=/usr/bin/python3,@FILE@
# snappy-test: stdin=stdlib.stdin
# snappy-test: env=PYTHONPATH=@SRCDIR@/examples/python,PYTHONDONTWRITEBYTECODE=1,OPENBLAS_NUM_THREADS=1,PYTHONHASHSEED=0
import base64
import bisect
import collections
import datetime
import decimal
import difflib
import fractions
import functools
import hashlib
import heapq
import itertools
import json
import math
import operator
import re
import statistics
import string
import struct
import sys
import textwrap
import zlib

import snappy_checkpoint

# Startup work the snapshot keeps.
PRIMES = [n for n in range(2, 20000) if all(n % p for p in range(2, math.isqrt(n) + 1))]
WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod "
         "tempor incididunt ut labore et dolore magna aliqua").split()
TABLE = {w: hashlib.sha256(w.encode()).hexdigest() for w in WORDS}
PATTERN = re.compile(r"(?P<word>[a-z]+)(?:\s+(?P<num>\d+))?")
decimal.getcontext().prec = 50
print("startup: %d primes, %d words" % (len(PRIMES), len(WORDS)))
sys.stdout.flush()

snappy_checkpoint.checkpoint()

numbers = [int(line) for line in sys.stdin if line.strip()]
print("input:", numbers)
print("json:", json.dumps({"n": numbers, "t": {k: TABLE[k][:12] for k in sorted(TABLE)[:4]}},
                          sort_keys=True, indent=1))
text = " ".join("%s %d" % (w, n) for w, n in zip(WORDS, numbers))
print("re:", [m.group("word", "num") for m in PATTERN.finditer(text)][:6])
print("re.sub:", re.sub(r"(\w)(\w*)", lambda m: m.group(1).upper() + m.group(2), text)[:60])
print("decimal:", decimal.Decimal(2).sqrt(), decimal.Decimal(1) / decimal.Decimal(7))
print("fractions:", sum(fractions.Fraction(1, n) for n in numbers))
c = collections.Counter(ch for w in WORDS for ch in w)
print("counter:", c.most_common(5))
od = collections.OrderedDict(sorted((w, len(w)) for w in WORDS))
print("ordereddict:", list(od.items())[:5])
dq = collections.deque(numbers, maxlen=5)
dq.rotate(2)
print("deque:", list(dq))
Point = collections.namedtuple("Point", "x y")
print("namedtuple:", Point(3, 4), Point(3, 4)._asdict())
print("itertools:", list(itertools.islice(itertools.permutations("abcd", 2), 7)),
      list(itertools.accumulate(numbers, operator.mul))[:6],
      [k for k, _ in itertools.groupby(sorted(WORDS, key=len), key=len)])
d0 = datetime.datetime(2024, 2, 28, 23, 30, tzinfo=datetime.timezone.utc)
print("datetime:", d0 + datetime.timedelta(hours=1, minutes=45),
      (datetime.date(2025, 1, 1) - datetime.date(2000, 1, 1)).days,
      d0.isoformat(), d0.strftime("%A %d %B %Y %j"))
print("hashlib:", hashlib.md5(b"snappy").hexdigest(), hashlib.sha1(text.encode()).hexdigest(),
      hashlib.blake2b(b"x", digest_size=8).hexdigest())
print("textwrap:")
print(textwrap.indent(textwrap.fill(" ".join(WORDS * 2), width=40), "  | "))
print("difflib:")
a = ["one", "two", "three", "four", "five"]
b = ["one", "too", "three", "five", "six"]
for line in difflib.unified_diff(a, b, "a", "b", lineterm="", n=1):
    print(line)
print("ratio:", round(difflib.SequenceMatcher(None, "snapshot", "snapchat").ratio(), 6))
print("statistics:", statistics.mean(numbers), statistics.median(numbers),
      statistics.pstdev(numbers), statistics.variance(numbers), statistics.mode([1, 2, 2, 3]))
print("struct:", struct.pack("<iHd", -2, 7, 1.5).hex(), struct.unpack(">I", b"\x00\x01\x02\x03"))
print("base64:", base64.b64encode(b"snappy-start"), base64.b32encode(b"ab"))
print("zlib:", zlib.crc32(text.encode()), len(zlib.compress(text.encode() * 10, 9)))
h = list(numbers)
heapq.heapify(h)
print("heapq:", [heapq.heappop(h) for _ in range(min(5, len(h)))], heapq.nlargest(3, numbers))
print("bisect:", [bisect.bisect_left(PRIMES, n * 100) for n in numbers[:5]])
print("math:", math.factorial(25), math.gcd(*numbers[:3]), round(math.lgamma(10.5), 10),
      math.comb(30, 12), "%.17g" % math.fsum([0.1] * 10))
print("functools:", functools.reduce(operator.xor, numbers), sorted({w[0] for w in WORDS}))
print("format: {:>10}|{:<8.3f}|{:^+9d}|{:#x}".format("right", math.pi, 42, 255))
print("string:", string.Template("$who likes $what").substitute(who="tim", what="pie"))
print("float repr:", 0.1 + 0.2, 1e300 * 10, float("nan") != float("nan"), 2 ** 0.5)
print("set:", sorted({n % 7 for n in numbers}), "dict order:", list({w: 1 for w in WORDS[:6]}))
print("to stderr", file=sys.stderr)
