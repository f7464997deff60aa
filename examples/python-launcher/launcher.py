"""A pre-warmed python3: record once, then run any script as `python3` would.

    ptracer -o py-numpy /usr/bin/python3 examples/python-launcher/launcher.py </dev/null
    restore py-numpy SCRIPT.py ARGS...       # as /usr/bin/python3 SCRIPT.py ARGS...

Before the snapshot point this imports numpy and a set of standard modules
(the slow part of a numpy script's startup). A restored instance adopts the
invocation restore hands it (sys.argv, sys.orig_argv, os.environ; the cwd is
the caller's), then runs SCRIPT.py the way CPython 3.11's `python3 SCRIPT.py`
does (Modules/main.c, Python/pythonrun.c): a fresh __main__ module, sys.path[0]
the script's real directory, the code compiled under the absolute file name,
an uncaught exception shown by sys.excepthook without this file's frame,
SystemExit and the exit status left to the interpreter's own handling, so
atexit handlers and the stdio flush run at the usual shutdown.

Whatever it cannot reproduce exactly it hands to the real interpreter: when
the caller's environment would have started CPython differently (PYTHON*
variables, the locale variables, PYTHONPATH, the user site directory), when
the first argument is an interpreter option (-c, -m, -u, ...), when the script
is a directory, a zip file or a .pyc, or when it does not compile, it execs
`sys.executable` with the same arguments and environment: a cold start, with
exactly python3's behaviour. README.md lists what still differs.

Cold, `python3 launcher.py SCRIPT.py ARGS...` runs the script the same way.
No recording environment is needed: the launcher sets OPENBLAS_NUM_THREADS=1
while numpy is imported (OpenBLAS's threads would end the recording) and
writes no .pyc files before the snapshot point (a write would end it too).
"""

import os
import sys

_recorded_argv = list(sys.argv)
_recorded_dont_write_bytecode = sys.dont_write_bytecode
sys.dont_write_bytecode = True  # until the snapshot point (see above)
_display = sys.__excepthook__  # PyErr_Display, for when sys.excepthook fails


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def _parse_environ(blob):
    # As CPython builds os.environ: the first of duplicate names wins,
    # entries without '=' are skipped.
    env = {}
    for entry in blob.split(b"\0"):
        key, sep, value = entry.partition(b"=")
        if sep:
            env.setdefault(key, value)
    return env


# The environment this interpreter started with (os.environ may differ:
# PEP 538's locale coercion adds LC_CTYPE): the fallback's environment in a
# cold run, and what the startup key below is computed from.
_startup_environ = _parse_environ(_read("/proc/self/environ"))

# snappy_checkpoint lives in ../python; import it from there without
# needing PYTHONPATH, and leave sys.path as it was.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))),
                                "python"))
import snappy_checkpoint  # noqa: E402

del sys.path[0]

# --- the startup worth keeping ----------------------------------------------
_openblas_set = "OPENBLAS_NUM_THREADS" not in os.environ
if _openblas_set:
    os.environ["OPENBLAS_NUM_THREADS"] = "1"  # read by OpenBLAS when numpy loads it
import argparse  # noqa: E402,F401
import builtins  # noqa: E402
import base64  # noqa: E402,F401
import bisect  # noqa: E402,F401
import collections  # noqa: E402,F401
import contextlib  # noqa: E402,F401
import copy  # noqa: E402,F401
import csv  # noqa: E402,F401
import dataclasses  # noqa: E402,F401
import datetime  # noqa: E402,F401
import decimal  # noqa: E402,F401
import enum  # noqa: E402,F401
import fractions  # noqa: E402,F401
import functools  # noqa: E402,F401
import gc  # noqa: E402
import glob  # noqa: E402,F401
import hashlib  # noqa: E402,F401
import importlib.machinery  # noqa: E402
import importlib.util  # noqa: E402
import heapq  # noqa: E402,F401
import io  # noqa: E402
import itertools  # noqa: E402,F401
import json  # noqa: E402,F401
import math  # noqa: E402,F401
import pathlib  # noqa: E402,F401
import pprint  # noqa: E402,F401
import random  # noqa: E402,F401
import re  # noqa: E402,F401
import shlex  # noqa: E402,F401
import statistics  # noqa: E402,F401
import string  # noqa: E402,F401
import struct  # noqa: E402,F401
import textwrap  # noqa: E402,F401
import time  # noqa: E402,F401
import typing  # noqa: E402,F401

import numpy  # noqa: E402,F401

if _openblas_set:
    del os.environ["OPENBLAS_NUM_THREADS"]


def _startup_key(env, cwd):
    """What CPython's startup reads from an environment (besides the
    command line, which is the recorded one): two environments with the
    same key start the interpreter with the same flags, sys.path, locale
    and stdio encodings. PYTHONDONTWRITEBYTECODE is left out: it only sets
    sys.dont_write_bytecode, which the launcher sets itself."""
    key = sorted((k, v) for k, v in env.items()
                 if (k.startswith(b"PYTHON") and k != b"PYTHONDONTWRITEBYTECODE")
                 or k in (b"LC_ALL", b"LC_CTYPE", b"LANG"))
    # Relative PYTHONPATH entries are made absolute against the cwd.
    if any(p and not p.startswith(b"/") for p in env.get(b"PYTHONPATH", b"").split(b":")):
        key.append(os.fsencode(cwd))
    # site adds the user site directory when it exists.
    base = env.get(b"PYTHONUSERBASE") or env.get(b"HOME", b"") + b"/.local"
    user_site = base + b"/lib/python%d.%d/site-packages" % sys.version_info[:2]
    key.append(os.path.isdir(user_site) and user_site)
    return key


_startup = _startup_key(_startup_environ, os.getcwd())
# PEP 538: in the C locale, CPython's startup set LC_CTYPE (a cold start in
# the same environment would again).
_coerced = (os.environ.get("LC_CTYPE")
            if b"LC_CTYPE" not in _startup_environ else None)
_old_stdio = (sys.stdin, sys.stdout, sys.stderr)
_buffered_stdio = not (sys.stdout or sys.stderr).write_through  # -u, PYTHONUNBUFFERED

# Everything allocated so far into the collector's permanent generation:
# collections (the script's, and the one at shutdown) then never traverse
# it. A traversal writes to every object's header, and in a restored
# instance each first write to a snapshot page is a copy-on-write fault:
# measured, this halves the restored run of a trivial script.
gc.collect()
gc.freeze()

# --- the snapshot point ------------------------------------------------------
_restored = snappy_checkpoint.checkpoint(reseed=True, adopt=True)
# From here on, this runs in every restored instance.


def _cold(argv, env):
    """Hands argv to the real interpreter: exactly python3's behaviour."""
    for f in (sys.stdout, sys.stderr):
        try:
            f.flush()
        except Exception:
            pass
    os.execve(sys.executable, [sys.orig_argv[0]] + argv, env)


def _fresh_stdio():
    """New sys.stdin/stdout/stderr on the caller's fds 0-2, as CPython's
    create_stdio() makes them at startup (Python/pylifecycle.c): the
    recorded streams hold what the recording's fds were (a tty or not, for
    line buffering; seekable; block size). Same encodings and errors: the
    startup key guarantees the caller's locale is the recorded one."""
    for fd, name, write, old in ((0, "stdin", False, _old_stdio[0]),
                                 (1, "stdout", True, _old_stdio[1]),
                                 (2, "stderr", True, _old_stdio[2])):
        try:
            os.get_inheritable(fd)  # fcntl(F_GETFD): is_valid_fd()
        except OSError:
            stream = None
        else:
            buffering = -1 if _buffered_stdio or not write else 0
            buf = io.open(fd, "wb" if write else "rb", buffering, closefd=False)
            raw = buf.raw if buffering else buf
            raw.name = f"<{name}>"
            line_buffering = _buffered_stdio and (raw.isatty() or fd == 2)
            stream = io.TextIOWrapper(buf, old.encoding if old else "utf-8",
                                      old.errors if old else "strict", "\n",
                                      line_buffering, not _buffered_stdio)
            stream.mode = "w" if write else "r"
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def _usage():
    prog = "restore NAME" if _restored else f"{sys.orig_argv[0]} {_recorded_argv[0]}"
    sys.stderr.write(f"launcher: no script to run: usage: {prog} SCRIPT.py [ARGS...]\n")
    raise SystemExit(2)


def _write_stderr(text):
    # PySys_WriteStderr: sys.stderr, errors ignored.
    try:
        sys.stderr.write(text)
    except Exception:
        pass


def _flush_io():
    # pythonrun.c flush_io(): after the script, errors ignored.
    for name in ("stderr", "stdout"):
        try:
            getattr(sys, name).flush()
        except Exception:
            pass


def _print_exception(exc):
    """_PyErr_PrintEx() for an exception out of the script, whose first
    traceback entry is this file's frame: drop it, so the traceback (and
    sys.last_traceback) is the one python3 shows."""
    tb = exc.__traceback__.tb_next
    exc.__traceback__ = tb
    typ = type(exc)
    sys.last_type, sys.last_value, sys.last_traceback = typ, exc, tb
    hook = getattr(sys, "excepthook", None)
    sys.audit("sys.excepthook", hook, typ, exc, tb)
    if hook is None:
        _write_stderr("sys.excepthook is missing\n")
        _display(typ, exc, tb)
        return
    try:
        hook(typ, exc, tb)
    except SystemExit:
        raise  # handle_system_exit(): the hook's exit status
    except BaseException as exc2:
        tb2 = exc2.__traceback__.tb_next
        exc2.__traceback__ = tb2
        _write_stderr("Error in sys.excepthook:\n")
        _display(type(exc2), exc2, tb2)
        _write_stderr("\nOriginal exception was:\n")
        _display(typ, exc, tb)


def _exit_sigint():
    # Modules/main.c exit_sigint() after an unhandled KeyboardInterrupt: die
    # of SIGINT once the interpreter has shut down. Run what shutdown would.
    import atexit
    import signal
    atexit._run_exitfuncs()
    _flush_io()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGINT)
    os._exit(130)


def _importer(filename):
    # PyImport_GetImporter(): a directory or a zip file is run by runpy.
    importer = None
    for hook in sys.path_hooks:
        try:
            importer = hook(filename)
            break
        except ImportError:
            continue
    sys.path_importer_cache[filename] = importer
    return importer


def _sys_path0(script):
    # _PyPathConfig_ComputeSysPath0(): dirname(realpath(script)), "/" kept.
    try:
        path0 = os.path.realpath(script, strict=True)
    except OSError:
        path0 = script
    n = path0.rfind("/") + 1
    return path0[:n - 1 if n > 1 else n]


def _abspath(path):
    # _Py_abspath(): the cwd joined, not normalised ("./x.py" stays).
    return path if path.startswith("/") else os.getcwd() + "/" + path


# --- adopt -------------------------------------------------------------------
if _restored:
    _inv = snappy_checkpoint.adopted
    _argv = list(sys.argv) if _inv.args_given else sys.argv[1:]
    _env = _inv.environ if _inv.environ_given else _startup_environ
    if _inv.environ_given:
        sys.dont_write_bytecode = bool(_env.get(b"PYTHONDONTWRITEBYTECODE"))
    else:
        sys.dont_write_bytecode = _recorded_dont_write_bytecode
    if _argv and _argv != [""] and _startup_key(_env, _inv.cwd) != _startup:
        _cold(_argv, _env)
    if _inv.environ_given and _coerced is not None and "LC_CTYPE" not in os.environ:
        os.environ["LC_CTYPE"] = _coerced
    _fresh_stdio()
else:
    _argv = sys.argv[1:]
    _env = _startup_environ
    sys.dont_write_bytecode = _recorded_dont_write_bytecode
    del sys.orig_argv[len(sys.orig_argv) - len(sys.argv)]  # this file's name
    sys.argv[:] = _argv

if not _argv or _argv == [""]:
    _usage()
if _argv[0].startswith("-"):
    _cold(_argv, _env)  # interpreter options: not a script

# --- run the script as `python3 SCRIPT` (pymain_run_python, pymain_run_file) --
_filename = _abspath(_argv[0])
if _importer(_filename) is not None:
    _cold(_argv, _env)  # a directory or a zip file: runpy's __main__
sys.path[0] = _sys_path0(_argv[0])
sys.audit("cpython.run_file", _filename)
try:
    _source = _read(_filename)
except OSError as _e:
    _write_stderr(f"{sys.orig_argv[0]}: can't open file {_filename!r}: "
                  f"[Errno {_e.errno}] {os.strerror(_e.errno)}\n")
    raise SystemExit(2)
# maybe_pyc_file(): by name, or by the first half of the magic number.
if _filename.endswith(".pyc") or _source[:2] == importlib.util.MAGIC_NUMBER[:2]:
    _cold(_argv, _env)
if b"\0" in _source:
    _cold(_argv, _env)  # compile() refuses NUL bytes in other words than the parser

# __main__ as add_main_module() and _PyRun_SimpleFileObject() fill it.
_main = type(sys)("__main__")
_globals = _main.__dict__
_globals["__annotations__"] = {}
_globals["__builtins__"] = builtins
_globals["__file__"] = _filename
_globals["__cached__"] = None
_globals["__loader__"] = importlib.machinery.SourceFileLoader("__main__", _filename)
sys.modules["__main__"] = _main

try:
    _code = compile(_source, _filename, "exec", dont_inherit=True)
except (SyntaxError, ValueError):
    _cold(_argv, _env)  # the real parser words the error (and names the file)
del _source

_exc = None
try:
    exec(_code, _globals)
except SystemExit:
    raise  # the interpreter's own handling: status, message, then Py_Exit
except BaseException as _e:
    _exc = _e
del _code
_flush_io()
if _exc is not None:
    _print_exception(_exc)
for _name in ("__file__", "__cached__"):
    _globals.pop(_name, None)
if _exc is not None:
    if isinstance(_exc, KeyboardInterrupt):
        del _exc
        _exit_sigint()
    del _exc
    raise SystemExit(1)
