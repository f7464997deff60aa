"""A pre-warmed HTTP request handler for inetd-style socket activation.

One process per connection: the connection is fd 0 and fd 1, as
`systemd-socket-activate --inetd -a` and a systemd `.socket` with
`Accept=yes` + `StandardInput=socket` hand it. It imports numpy, json,
hashlib and urllib.parse and warms up the paths a request takes (the
startup worth keeping), marks its snapshot point, then reads one HTTP/1.x
request from
stdin, answers it on stdout and exits:

    GET  /sum?n=N     (1 <= N <= 1000000)   200, JSON body:
         {"n": N, "sum": 1+..+N, "sum_sq": 1^2+..+N^2, "restored": true|false}
    POST /echo        (Content-Length body) 200, the request body verbatim,
         with X-Body-SHA256: <hex sha256 of the body>
    anything else                           400, 404, 405, 411 or 413, one line

Every response carries Content-Length, Connection: close and
X-Restored: 1 (restored instance) or 0 (cold run).

Record it once (needs no environment: the script sets what recording
needs itself, since systemd hands a service almost none):

    build/ptracer/ptracer -o /tmp/handler /usr/bin/python3 examples/socket-activation/handler.py </dev/null
    systemd-socket-activate --inetd -a -l 127.0.0.1:8080 build/restore/restore /tmp/handler
    curl -s 'http://127.0.0.1:8080/sum?n=1000'

See README.md here for the systemd units.
"""

import os
import sys

# Set before numpy is imported: OpenBLAS starts a thread per core at load
# time unless told otherwise, and a thread ends the recording there.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# A .pyc written while recording (snappy_checkpoint's, the first time) is a
# file created: that would end the recording there too.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

import hashlib  # noqa: E402  (the point is to import before the checkpoint)
import json  # noqa: E402
import signal  # noqa: E402
import urllib.parse  # noqa: E402

import numpy as np  # noqa: E402

import snappy_checkpoint  # noqa: E402

MAX_N = 1_000_000
MAX_BODY = 16 << 20
MAX_LINE = 8192
MAX_HEADERS = 100
REQUEST_TIMEOUT_S = 10


_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
            411: "Length Required", 413: "Content Too Large"}


def sums(n):
    """1+..+n and 1^2+..+n^2 with numpy (int64 holds sum_sq for n up to
    MAX_N: about 3.3e17)."""
    a = np.arange(1, n + 1, dtype=np.int64)
    return {"sum": int(a.sum()), "sum_sq": int((a * a).sum())}


# Warm up what the first request would otherwise pay for on top of the
# imports: numpy's first reductions, json's encoder, the hashlib and
# urllib.parse paths a request takes.
assert sums(1000) == {"sum": 500500, "sum_sq": 333833500}
json.dumps({"warm": [1, 2.5, True]})
hashlib.sha256(b"warm").hexdigest()
urllib.parse.parse_qs(urllib.parse.urlsplit("/sum?n=1").query)

# Before stdin is touched: a cold run reads the request from here on, and
# every restored instance resumes here with the connection as fd 0 and 1.
RESTORED = snappy_checkpoint.checkpoint()


class HttpError(Exception):
    def __init__(self, status, why):
        super().__init__(why)
        self.status = status


def decimal(text, most):
    """int(text) if text is ASCII digits for a value <= most, else None
    (str.isdigit alone takes other scripts' digits, and int() refuses
    over 4300 digits)."""
    if not text.isascii() or not text.isdigit() or len(text) > len(str(most)):
        return None
    value = int(text)
    return value if value <= most else None


def read_line(stream):
    line = stream.readline(MAX_LINE + 1)
    if len(line) > MAX_LINE:
        raise HttpError(400, "line too long")
    if not line.endswith(b"\n"):
        raise HttpError(400, "connection closed inside the request head")
    return line.rstrip(b"\r\n").decode("latin-1")


def read_request(stream, request):
    """Fills request (a dict): method, target, version (as soon as the
    request line is read: an error past it is answered in that version),
    headers (lower-case names), body."""
    parts = read_line(stream).split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise HttpError(400, "bad request line")
    request["method"], request["target"], request["version"] = parts
    headers = request["headers"] = {}
    while True:
        line = read_line(stream)
        if not line:
            break
        if len(headers) >= MAX_HEADERS:
            raise HttpError(400, "too many header fields")
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            raise HttpError(400, "bad header field")
        headers[name.lower()] = value.strip()
    if "transfer-encoding" in headers:
        raise HttpError(411, "only Content-Length bodies are accepted")
    length = headers.get("content-length", "0")
    if not length.isascii() or not length.isdigit():
        raise HttpError(400, "bad Content-Length")
    length = decimal(length, MAX_BODY)
    if length is None:
        raise HttpError(413, f"body over {MAX_BODY} bytes")
    if length and request["version"] == "HTTP/1.1" and \
            headers.get("expect", "").lower() == "100-continue":
        # curl asks before sending a large body; answer at once rather than
        # making it wait out its expect timeout (1 s).
        write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
    request["body"] = stream.read(length)
    if len(request["body"]) != length:
        raise HttpError(400, "connection closed inside the body")


def answer(method, target, body):
    """(status, extra headers, body) for one request."""
    try:
        url = urllib.parse.urlsplit(target)
    except ValueError:  # e.g. "http://[x/": an unclosed IPv6 literal
        raise HttpError(400, "bad request target") from None
    if url.path == "/sum":
        if method != "GET":
            raise HttpError(405, "/sum takes GET")
        n = decimal(urllib.parse.parse_qs(url.query).get("n", [""])[0], MAX_N)
        if not n:
            raise HttpError(400, f"n must be an integer in 1..{MAX_N}")
        doc = dict(n=n, **sums(n), restored=RESTORED)
        return 200, [("Content-Type", "application/json")], (json.dumps(doc) + "\n").encode()
    if url.path == "/echo":
        if method != "POST":
            raise HttpError(405, "/echo takes POST")
        return 200, [("Content-Type", "application/octet-stream"),
                     ("X-Body-SHA256", hashlib.sha256(body).hexdigest())], body
    raise HttpError(404, f"no such path: {url.path}")


def write_all(data):
    view = memoryview(data)
    while view:
        view = view[os.write(1, view):]


def respond(version, status, headers, body):
    # One request per connection: HTTP/1.0 semantics, whatever the client
    # spoke (an HTTP/1.1 client is answered in 1.1 with Connection: close).
    head = [f"{'HTTP/1.1' if version == 'HTTP/1.1' else 'HTTP/1.0'} {status} {_REASONS[status]}",
            f"Content-Length: {len(body)}", "Connection: close",
            f"X-Restored: {int(RESTORED)}"]
    head += [f"{k}: {v}" for k, v in headers]
    write_all(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)


def main():
    # A client that connects and sends nothing must not hold a process
    # forever: SIGALRM's default action ends it.
    signal.alarm(REQUEST_TIMEOUT_S)
    stdin = os.fdopen(0, "rb", buffering=65536, closefd=False)
    request = {"version": "HTTP/1.0"}
    try:
        read_request(stdin, request)
        status, headers, out = answer(request["method"], request["target"], request["body"])
    except HttpError as e:
        status, headers, out = e.status, [("Content-Type", "text/plain")], f"{e}\n".encode()
    try:
        respond(request["version"], status, headers, out)
    except OSError as e:  # the client went away: nothing to answer to
        print(f"handler: writing the response: {e.strerror}", file=sys.stderr, flush=True)
        os._exit(1)
    # Leave without the interpreter's shutdown: it writes to most objects,
    # and in a restored instance every first write to a snapshot page is a
    # copy-on-write fault. The response is written (os.write, unbuffered).
    os._exit(0)


main()
