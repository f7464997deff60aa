"""One ending of a Python program, for fast_exit_test.py.

    python3 exit_job.py MODE {plain|fast|freeze}

Before the marker: atexit handlers registered (they print in the order the
interpreter runs them), and an object whose __del__ writes a line when the
interpreter's teardown destroys it (the fast exit's documented difference:
that line is missing when the fast path was taken). `plain` calls
checkpoint(), `fast` checkpoint(fast_exit=True), `freeze`
checkpoint(freeze=True). After it, MODE ends the program (the explicit
modes call snappy_checkpoint.exit, or under `plain` the sys.exit it stands
for).
"""
import atexit
import gc
import os
import sys
import threading
import time

import snappy_checkpoint


class Teardown:
    def __del__(self):
        os.write(2, b"teardown: __del__ ran\n")


class Cycle:
    def __init__(self):
        self.me = self

    def __del__(self):
        try:
            os.write(1, b"cycle collected\n")
        except OSError:  # stdout on /dev/full
            pass


keep = Teardown()
atexit.register(print, "atexit: registered first, runs last")
atexit.register(lambda: print("atexit: registered second, runs first", file=sys.stderr))
cycle = Cycle()
mode, kind = sys.argv[1], sys.argv[2]
print("before the marker")  # buffered: in the snapshot, flushed at the end
snappy_checkpoint.checkpoint(fast_exit=kind == "fast", freeze=kind == "freeze")
print("after the marker; frozen:", gc.get_freeze_count() > 0)


def deep(status):
    sys.exit(status)


if mode == "normal":
    print("the end")
elif mode == "sys_exit_3":
    deep(3)
elif mode == "sys_exit_msg":
    sys.exit("a message for stderr")
elif mode == "sys_exit_big":
    sys.exit(2**40 + 3)
elif mode == "exception":
    def fails():
        raise ValueError("uncaught")
    fails()
elif mode == "caught_then_end":  # the sys.exit record must not be taken for the end
    try:
        deep(2)
    except SystemExit as e:
        print("caught", e.code)
elif mode == "caught_then_raise":  # handled on its way: the normal shutdown, status 5
    try:
        deep(2)
    except SystemExit:
        raise SystemExit(5)
elif mode == "finally":  # a finally on the way: the normal shutdown, status 7
    try:
        deep(7)
    finally:
        print("finally ran")
elif mode == "raise_systemexit":  # not through sys.exit: the normal shutdown
    raise SystemExit(4)
elif mode == "explicit":  # plain: what it stands for
    (snappy_checkpoint.exit if kind != "plain" else sys.exit)(6)
elif mode == "explicit_msg":
    (snappy_checkpoint.exit if kind != "plain" else sys.exit)("explicit message")
elif mode == "thread":  # a non-daemon thread is joined before the atexit handlers
    threading.Thread(target=lambda: (time.sleep(0.2), print("thread done"))).start()
elif mode == "atexit_raises":
    def bad():
        raise RuntimeError("in a handler")
    atexit.register(bad)
elif mode == "keyboard_interrupt":  # ends by SIGINT: the normal shutdown
    raise KeyboardInterrupt
elif mode == "stdout_closed":
    sys.stdout.close()
    print("stderr still open", file=sys.stderr)
elif mode == "cycle":  # with freeze, the inherited cycle is never collected
    del cycle
    gc.collect()
    print("collected what it could", flush=True)
else:
    sys.exit(f"exit_job.py: unknown mode {mode}")
