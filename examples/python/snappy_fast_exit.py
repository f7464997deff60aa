"""The fast exit of snappy_checkpoint (issue 15): end an interpreter the way
CPython's shutdown begins, then stop, skipping the teardown.

A restored instance shares the snapshot's pages copy-on-write. CPython's
normal shutdown (Py_FinalizeEx) walks every object at least twice after the
atexit handlers: a full garbage collection, then the teardown of every
module, each writing reference counts and GC headers into pages the instance
inherited, so each such page is copied (one fault and a page copy each). The
fast exit does what Py_FinalizeEx does first, in its order, and then
os._exit(status):

  1. threading._shutdown(): joins the non-daemon threads;
  2. atexit._run_exitfuncs(): the program's atexit handlers, last registered
     first, errors reported as the interpreter reports them;
  3. sys.stdout.flush() then sys.stderr.flush() (skipped when None or
     closed): a failed stdout flush is reported through sys.unraisablehook
     ("Exception ignored in: <_io.TextIOWrapper name='<stdout>' ...>") and a
     failure of either makes the status 120, as CPython's;
  4. os._exit(status).

What it skips, and so what differs from the interpreter's own end: the
final garbage collection and the module teardown (no __del__ methods,
weakref callbacks or finalizers of objects still alive at exit; generators
still suspended are not closed), the C-level atexit handlers
(Py_AtExit, libc atexit) and C stdio buffers (an extension's printf output
not yet flushed is lost), and the second flush of sys.stdout/sys.stderr
after the teardown (output written by __del__ methods there).

Two ways in:
  * exit(status): the program calls it where it would call sys.exit at its
    top level. It does not unwind: enclosing `finally` blocks and `with`
    exits do not run.
  * install() (checkpoint(fast_exit=True)): the program's own ends take the
    fast path, decided when the interpreter starts its shutdown
    (threading._shutdown, its first step, is wrapped), and only when the
    status is certain:
      - the main script returned: 0;
      - an uncaught exception (not KeyboardInterrupt) was reported by
        sys.excepthook at the top level: 1 (the traceback is printed first,
        by the hook in effect, as always);
      - sys.exit(...) (the function in `sys`, looked up at the call: modules
        that kept their own reference to the original, or `raise
        SystemExit`, exit() and quit(), end the normal way) and the
        SystemExit went straight out of every frame between the call and
        the main thread's outermost frame, none of which ran another
        instruction (no handler, `finally` or `with` on the way): its
        status, as the interpreter computes it (None: 0, an int: that int,
        anything else: 1, its message already printed by the interpreter).
    Otherwise (a KeyboardInterrupt, a SystemExit raised any other way or
    handled on its way, -i) the interpreter's normal shutdown runs, with
    the right status at the usual cost. One visible trace of the wrapping:
    a SystemExit caught by the program has one more frame (this module's) in
    its traceback.
"""
import atexit
import opcode
import os
import sys

__all__ = ["exit", "install"]

_RETURN_VALUE = opcode.opmap["RETURN_VALUE"]

_installed = False
_bottom = None                 # the main thread's outermost frame, to see how it ended
_uncaught = False              # sys.excepthook reported an exception at the top level
_last_sys_exit = None          # (SystemExit, [(frame, f_lasti), ...]) of the last sys.exit()
_orig_shutdown = None
_orig_excepthook = None
_orig_sys_exit = None
_unraisable_args = None        # the type sys.unraisablehook takes


def exit(status=None):
    """Ends the program now with `status` as sys.exit(status) reaching the
    top level would (a status that is not None or an int is printed to
    sys.stderr and the status is 1), by the fast path (the module's
    docstring)."""
    if status is None:
        code = 0
    elif isinstance(status, int):
        code = _wait_status(int.__int__(status))
    else:
        _print_exit_message(status)
        code = 1
    threading = sys.modules.get("threading")
    if threading is not None:
        (_orig_shutdown or threading._shutdown)()
    _finish(code)


def install():
    """Makes the program's normal end, an uncaught exception and sys.exit()
    take the fast path (the module's docstring). Call it on the main thread;
    a second call does nothing."""
    global _installed, _bottom, _orig_shutdown, _orig_excepthook, _orig_sys_exit
    import threading  # the interpreter calls threading._shutdown only if imported

    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("snappy_checkpoint: fast_exit needs the main thread")
    if _installed or sys.flags.inspect:  # -i: the interpreter goes interactive at the end
        return
    frame = sys._getframe()
    while frame.f_back is not None:
        frame = frame.f_back
    _bottom = frame
    _learn_unraisable_args()
    _orig_shutdown, threading._shutdown = threading._shutdown, _at_shutdown
    _orig_excepthook, sys.excepthook = sys.excepthook, _excepthook
    _orig_sys_exit, sys.exit = sys.exit, _sys_exit
    _installed = True


def _at_shutdown():
    # Py_FinalizeEx's first step, in the main thread, its Python stack empty.
    global _bottom, _last_sys_exit
    _orig_shutdown()
    try:
        code = _known_status()
    except Exception:  # never guess: the interpreter's shutdown follows
        code = None
    if code is not None:
        _finish(code)
    # The normal shutdown follows: let go of the frames (they hold their
    # globals and locals, which the teardown must find unreferenced to
    # destroy them as it would without us).
    _bottom = _last_sys_exit = None


def _known_status():
    """The status the interpreter is about to exit with, or None when it
    cannot be known for certain here."""
    b = _bottom
    if b.f_code.co_code[b.f_lasti] == _RETURN_VALUE:
        return 0  # the outermost frame returned: the script's normal end
    if _uncaught:
        return 1
    if _last_sys_exit is not None:
        exc, frames = _last_sys_exit
        straight_out = frames[-1][0] is b and all(f.f_lasti == lasti for f, lasti in frames)
        if straight_out:
            code = exc.code
            if code is None:
                return 0
            if isinstance(code, int):
                return _wait_status(int.__int__(code))
            return 1  # the interpreter printed str(code) already
    return None


def _excepthook(exc_type, value, tb):
    global _uncaught
    try:
        sys._getframe(1)
        at_top = False  # called by Python code, not by the interpreter's top level
    except ValueError:
        at_top = True
    if at_top and not issubclass(exc_type, KeyboardInterrupt):  # that one ends by SIGINT
        _uncaught = True
    return _orig_excepthook(exc_type, value, tb)


def _sys_exit(*args):
    global _last_sys_exit
    try:
        _orig_sys_exit(*args)  # the SystemExit exactly as sys.exit makes it
    except SystemExit as exc:
        frames, f = [], sys._getframe(1)
        while f is not None:
            frames.append((f, f.f_lasti))
            f = f.f_back
        _last_sys_exit = (exc, frames)
        raise


def _finish(code):
    atexit._run_exitfuncs()
    if not _flush(sys.stdout, report=True):
        code = 120
    if not _flush(sys.stderr, report=False):
        code = 120
    os._exit(code)


def _flush(f, report):
    """Flushes f as CPython's flush_std_files does; False if that failed."""
    if f is None:
        return True
    try:
        if f.closed:
            return True
    except Exception:
        pass
    try:
        f.flush()
        return True
    except Exception as e:
        if report:
            _report_unraisable(f, e)
        return False


def _report_unraisable(obj, e):
    # As PyErr_WriteUnraisable(obj) does, through whatever hook is in
    # effect; the traceback without this module's frame (the interpreter
    # calls flush from C).
    tb = e.__traceback__.tb_next if e.__traceback__ is not None else None
    try:
        if _unraisable_args is not None:
            sys.unraisablehook(_unraisable_args((type(e), e, tb, None, obj)))
            return
    except Exception:
        pass
    import traceback
    try:
        sys.stderr.write(f"Exception ignored in: {obj!r}\n")
        sys.stderr.write("".join(traceback.format_exception(type(e), e, tb)))
    except Exception:
        pass


def _learn_unraisable_args():
    # sys.unraisablehook only takes the interpreter's UnraisableHookArgs,
    # which Python does not name: get one from a __del__ that raises.
    global _unraisable_args
    seen, hook = [], sys.unraisablehook
    sys.unraisablehook = seen.append
    try:
        _Raises()
    finally:
        sys.unraisablehook = hook
    if seen:
        _unraisable_args = type(seen[0])
    # The report holds the exception, its traceback and so this frame and
    # its callers' (the program's globals): let go of it now, not at some
    # later collection, so the teardown finds what it would without us.
    seen.clear()


class _Raises:
    def __del__(self):
        raise RuntimeError("snappy_fast_exit: learning UnraisableHookArgs")


def _print_exit_message(status):
    # handle_system_exit: str(code) to sys.stderr, then a newline.
    try:
        if sys.stderr is not None:
            sys.stderr.write(str(status))
            sys.stderr.write("\n")
            return
    except Exception:
        pass
    os.write(2, (str(status) + "\n").encode(errors="backslashreplace"))


def _wait_status(n):
    """What a parent sees for exit((int)PyLong_AsLong(n)), as the interpreter
    exits: a C long (-1 when n does not fit one), cut to its low 8 bits."""
    if not -2**63 <= n < 2**63:
        n = -1
    return n & 0xFF
