"""Mark the snapshot point of a Python program recorded by snappy-start.

    import numpy, pandas          # the slow, deterministic part of startup
    import snappy_checkpoint
    restored = snappy_checkpoint.checkpoint(reseed=True)
    # ... from here on, every restored instance starts in about a millisecond

The contract (docs/DESIGN.md, "Snapshot points"): the program calls
access("/proc/snappy-start/checkpoint", F_OK). Nobody can create a file in
/proc, so in a plain run the call fails; `ptracer` takes the snapshot at
that syscall, and every instance `restore` brings up resumes there with the
call succeeding. So checkpoint() returns False in a cold run and True in a
restored instance.

Call it once, after the imports and setup you want to skip, and before the
program forks, opens sockets, creates or writes files, or reads stdin: the
recorder stops at the first of those. Record with
PYTHONDONTWRITEBYTECODE=1 (writing .pyc files ends the recording early) and
OPENBLAS_NUM_THREADS=1 (OpenBLAS starts threads when numpy is imported).

Every restored instance starts from the same memory: the same `random`
state, the same numpy global RandomState, the same str hash seed (set
iteration order is the recorded one), the same cached pid and times. Pass
reseed=True to reseed `random` and numpy's legacy global generator from
os.urandom when restored; reseed your own generators yourself. The hash
seed cannot be changed in a running interpreter.

Adopting the invocation (issue 13). `restore NAME ARGS...` (or with
--env/--clear-env) hands the instance the caller's arguments, environment
and working directory: /proc/self/cmdline is [recorded argv[0], ARGS...],
/proc/self/environ the caller's environment, and the cwd the caller's. The
interpreter's own copies (sys.argv, os.environ, libc's environ) still hold
the recorded values. checkpoint(adopt=True) makes them the caller's:

  * sys.argv becomes cmdline[1:] (decoded with os.fsdecode, as CPython
    decodes its argv; [''] when ARGS is empty) and sys.orig_argv the whole
    cmdline, as `python3 ARGS...` would have them, but only when cmdline
    differs from the recorded one: `restore NAME` alone keeps both;
  * os.environ (and with it libc's environ, through putenv/unsetenv, so
    child processes inherit it) becomes /proc/self/environ, in its order,
    byte for byte (os.environb: non-UTF-8 values survive), but only when it
    differs from the environment the program was recorded with: variables
    the program set itself before the checkpoint survive a plain
    `restore NAME`, and are gone when the caller's environment is adopted;
  * time.tzset() is called when TZ changed, so time.localtime() follows
    the caller's TZ;
  * the cwd needs nothing: it is the process's real one (os.getcwd()).

What adopting cannot change, because the interpreter computed it from the
recorded command line and environment during its startup: sys.flags and -X options (sys._xoptions), sys.executable, sys.path (the
entries from PYTHONPATH, the user site directory, .pth files; sys.path[0]
is the recorded script's directory), the stdio encodings and the C locale
(LANG, LC_ALL, LC_CTYPE, PYTHONIOENCODING, PYTHONUTF8), the str hash seed
(PYTHONHASHSEED), and what modules already read from the environment when
they were imported. invocation() returns what was handed over without
adopting it. A program that does not ask behaves as before.

The two known costs of a pre-warmed interpreter (issue 15). A restored
instance shares the snapshot's memory copy-on-write: every page it writes
is copied, one fault each. CPython writes into inherited objects on two
occasions besides the program's own work:

  * freeze=True: gc.collect() then gc.freeze() just before the marker (in
    the cold run as in the recording, so both behave alike). The objects
    alive at the checkpoint move to the collector's permanent generation,
    which no collection walks, so an instance's collections (the automatic
    ones and the full one at shutdown) no longer write the GC headers of
    every inherited object. What it changes: gc.get_freeze_count() is the
    number of those objects; they are never collected in the instance, so
    a reference cycle among them that becomes garbage after the checkpoint
    stays in memory (its __del__ never runs) for the instance's life;
    gc.unfreeze() puts them back in the oldest generation. Garbage made
    before the checkpoint is collected first, by the gc.collect().
  * fast_exit=True: the program's end (the script returning, sys.exit(...),
    an uncaught exception) runs what the interpreter's shutdown runs first
    -- the non-daemon threads joined, the atexit handlers, sys.stdout and
    sys.stderr flushed, status 120 if that fails -- and then os._exit(status),
    skipping the final garbage collection and the module teardown. No
    __del__ or weakref callback runs at exit for objects still alive; see
    snappy_fast_exit.py for exactly what is skipped and when the normal
    shutdown is kept. exit(status) is the same fast end called explicitly
    (works without fast_exit=True).
  Measured (bench/writing_jobs.py): see README.md, "Jobs that write memory".

Timing a cold run up to its snapshot point: with SNAPPY_EXIT_AT_MARKER=1 in
its environment, a cold run flushes stdio and exits 0 right after the
marker; with SNAPPY_MARKER_CLOCK=1 it writes "snappy-marker ns=N minflt=M"
(CLOCK_MONOTONIC, its minor faults so far) to fd 2 there and goes on. A
restored instance never does either: neither is in the environment a
snapshot is recorded with, and checkpoint() returns True there first.

Pure Python, standard library only; numpy is never imported here.
snappy_fast_exit.py (beside this file) is imported only by fast_exit=True
and exit(): without them this file works alone.
"""

import os
import sys

CHECKPOINT_PATH = "/proc/snappy-start/checkpoint"

__all__ = ["CHECKPOINT_PATH", "Invocation", "adopt", "checkpoint", "exit", "invocation"]

# /proc/self/cmdline and /proc/self/environ as they were at the checkpoint
# (read just before it by checkpoint(adopt=True)): what "unchanged" means.
_recorded = None

# The Invocation checkpoint(adopt=True) adopted in a restored instance, or None.
adopted = None


def checkpoint(reseed=False, adopt=False, freeze=False, fast_exit=False):
    """Marks the snapshot point. Returns True when running restored.

    With reseed=True, a restored instance reseeds `random` and, if numpy was
    already imported, numpy.random's legacy global generator, from
    os.urandom. With adopt=True, a restored instance adopts the invocation
    restore handed it (sys.argv, os.environ; see the module's docstring)
    and keeps it in snappy_checkpoint.adopted. freeze=True collects and
    then freezes the objects alive before the marker; fast_exit=True makes
    the program's end skip the interpreter's teardown (both: the module's
    docstring). Call it on the main thread when fast_exit=True.
    """
    global _recorded, adopted
    if adopt:
        # Before the marker, so these are the recorded values. Reading a
        # file is allowed before the snapshot point.
        _recorded = (_read_proc("cmdline"), _read_proc("environ"))
    if fast_exit:
        import snappy_fast_exit  # beside this file; only needed for the fast exit
        snappy_fast_exit.install()
    if freeze:  # last before the marker: what the steps above made is frozen too
        import gc
        gc.collect()
        gc.freeze()
    restored = os.access(CHECKPOINT_PATH, os.F_OK)
    if not restored and os.environ.get("SNAPPY_MARKER_CLOCK") == "1":
        _report_marker_clock()
    if not restored and os.environ.get("SNAPPY_EXIT_AT_MARKER") == "1":
        _exit_at_marker()
    if restored and reseed:
        _reseed()
    if restored and adopt:
        adopted = _adopt(None)
    return restored


class Invocation:
    """What this process was started with, read from /proc/self.

    argv: what sys.argv should be (cmdline[1:], or [''] when empty).
    args_given: cmdline differs from the recorded command line.
    environ: dict of bytes to bytes, /proc/self/environ in order (the
        first of duplicate names wins and entries without '=' are skipped,
        as CPython builds os.environ).
    environ_given: the environment differs from the recorded one (always
        True when checkpoint(adopt=True) did not record it).
    cwd: os.getcwd().
    cmdline: /proc/self/cmdline, split (a list of bytes).
    """

    __slots__ = ("argv", "args_given", "environ", "environ_given", "cwd", "cmdline")

    def __init__(self, argv, args_given, environ, environ_given, cwd, cmdline):
        self.argv, self.args_given = argv, args_given
        self.environ, self.environ_given = environ, environ_given
        self.cwd, self.cmdline = cwd, cmdline

    def __repr__(self):
        return (f"Invocation(argv={self.argv!r}, args_given={self.args_given}, "
                f"environ=<{len(self.environ)} variables>, "
                f"environ_given={self.environ_given}, cwd={self.cwd!r})")


def invocation():
    """Reads the invocation restore handed this process (see the module's
    docstring); in a cold run, the process's own."""
    cmdline, environ = _read_proc("cmdline"), _read_proc("environ")
    if _recorded is not None:
        recorded_cmdline, recorded_environ = _recorded
    else:
        recorded_cmdline = b"".join(os.fsencode(a) + b"\0" for a in sys.orig_argv)
        recorded_environ = None
    parts = _split_nul(cmdline)
    args = [os.fsdecode(a) for a in parts[1:]]
    env = {}
    for entry in _split_nul(environ):
        key, sep, value = entry.partition(b"=")
        if sep:
            env.setdefault(key, value)
    args_given = cmdline != recorded_cmdline
    return Invocation(argv=(args or [""]) if args_given else list(sys.argv),
                      args_given=args_given, environ=env,
                      environ_given=environ != recorded_environ, cwd=os.getcwd(),
                      cmdline=parts)


def adopt(inv=None):
    """Makes the invocation (default: invocation()) this interpreter's:
    sys.argv when the arguments were given, os.environ when the environment
    differs from the recorded one. Returns the Invocation."""
    return _adopt(inv)


def _adopt(inv):  # checkpoint()'s parameter `adopt` hides the function there
    if inv is None:
        inv = invocation()
    if inv.args_given:
        sys.argv[:] = inv.argv  # in place: modules holding sys.argv see it too
        sys.orig_argv = [os.fsdecode(a) for a in inv.cmdline]
    if inv.environ_given:
        old_tz = os.environb.get(b"TZ")
        _replace_environ(inv.environ)
        if os.environb.get(b"TZ") != old_tz and "time" in sys.modules:
            sys.modules["time"].tzset()
    return inv


def _replace_environ(new):
    # All out, then all in, in the caller's order: os.environ iterates in
    # insertion order and setenv appends to libc's environ, so both end up
    # in the order a cold start would have. Names putenv refuses (b"", say)
    # go into the mapping only, as CPython's own startup would put them.
    envb = os.environb
    data = os.environ._data  # bytes -> bytes on POSIX, shared by environ and environb
    for key in list(data):
        try:
            del envb[key]
        except (ValueError, OSError):
            data.pop(key, None)
    for key, value in new.items():
        try:
            envb[key] = value
        except (ValueError, OSError):
            data[key] = value


def _report_marker_clock():
    # bench/writing_jobs.py: when a cold run passed its snapshot point, in
    # the run itself. The faults are read first and the clock last, so the
    # cost of reading them counts as before the point.
    import resource
    import time

    minflt = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    ns = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
    os.write(2, f"snappy-marker ns={ns} minflt={minflt}\n".encode())


def exit(status=None):
    """Ends the program now, as sys.exit(status) reaching the top level
    would, without the interpreter's teardown: snappy_fast_exit.exit()."""
    import snappy_fast_exit
    snappy_fast_exit.exit(status)


def _exit_at_marker():
    # A cold run timed up to its snapshot point: what it printed is out, and
    # nothing after the marker runs (no atexit handlers, no teardown).
    for f in (sys.stdout, sys.stderr):
        try:
            if f is not None:
                f.flush()
        except Exception:
            pass
    os._exit(0)


def _read_proc(name):
    with open(f"/proc/self/{name}", "rb") as f:
        return f.read()


def _split_nul(blob):
    if blob.endswith(b"\0"):
        blob = blob[:-1]
    return blob.split(b"\0") if blob else []


def _reseed():
    import random

    random.seed(os.urandom(32))
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        # seed() without an argument draws fresh entropy from the OS.
        numpy.random.seed()
