"""Which of CPython's regression test modules the corpus runs restored.

The one list of them. tests/corpus/CMakeLists.txt asks this file for the
groups (`--cmake`) and makes one case per group, corpus.python3_cpython_GROUP,
run by tests/targets/run_target.sh (three cold runs, a recording, three restores,
byte for byte); cpython_tests.py --group GROUP loads a group's modules.

A group is fast (in `./make.sh test`) or long (label `long`: skipped by
`./make.sh test`, run by `./make.sh test-long` / `ctest -L long`). Each has
the snapshot point ptracer must report (a regex over its summary line): the
checkpoint marker, unless one of its modules probes the system while it is
imported, with a call outside the recorder's model. Then the snapshot is
taken at that call, part-way through loading, and every restored instance
makes the call, finishes loading and runs the tests. The probes:
  * test.support.socket_helper, imported, binds a socket(AF_INET6) to ::1
    (IPV6_ENABLED);
  * os_helper.skip_unless_symlink and friends, applied to a class body,
    create a symlink (can_symlink), a file (can_chmod, can_xattr) in the
    working directory.
A group lists the modules that probe last, so that most of its modules are
loaded before the snapshot.

Modules come from Debian's libpython3.11-testsuite (/usr/lib/python3.11/
test). Times are one cold run on the project's 2-core VM under load
(another session's builds), for choosing groups, not for comparing.

usage: cpython_modules.py --cmake         one line per group: NAME fast|long RESTORE_ARGS TRIGGER
                                          (RESTORE_ARGS: comma-separated, or - for none)
       cpython_modules.py --modules GROUP the group's modules, one a line
"""
import sys

MARKER = "checkpoint marker"
# (a bracket, not a backslash: the regex passes through CMake unchanged)
SOCKET_PROBE = "at socket[(]AF_INET6, SOCK_STREAM"
SYMLINK_PROBE = "at symlink[(]"
FILE_PROBE = 'at openat[(]AT_FDCWD, "@test_[0-9]+_tmp'  # os_helper.TESTFN

# (name, long?, trigger, modules[, restore arguments]); each group's comment
# says what it covers.
GROUPS = [
    # Paths, directories, file metadata, users and groups, fcntl, mmap,
    # rlimits, epoll, os.popen (a shell child). 17 modules, ~10 s. The
    # last four probe symlink, chmod and xattr support at import
    # (test_posixpath through test_genericpath).
    ("os_files", False, SYMLINK_PROBE, [
        "test_fnmatch", "test_fileinput", "test_filecmp", "test_linecache",
        "test_pwd", "test_grp", "test_errno", "test_fcntl", "test_mmap",
        "test_epoll", "test_resource", "test_sysconfig", "test_popen",
        "test_posixpath", "test_genericpath", "test_shutil", "test_glob",
    ]),
    # Socket-free file I/O (FileIO, open(), BytesIO/StringIO, newline
    # translation, csv, zipimport), time and its formatting, zoneinfo,
    # locale and gettext, and the thread primitives (_thread,
    # threading.local, sched, atexit). 19 modules, ~14 s.
    ("io_time_locale", False, MARKER, [
        "test_fileio", "test_file", "test_memoryio", "test_univnewlines",
        "test_csv", "test_zipimport", "test_time",
        "test_strftime", "test_strptime", "test_timeit", "test_zoneinfo",
        "test_locale", "test__locale", "test_gettext", "test_thread",
        "test_threading_local", "test_sched", "test_atexit",
        "test_threadedtempfile",
    ]),
    # Modules that import subprocess while their tests load (subprocess
    # imports selectors, which probes select.epoll()). 5 modules, ~7 s.
    ("subprocess_importers", False, MARKER, [
        "test_json", "test_re", "test_struct", "test_functools",
        "test_dataclasses",
    ]),

    # --- long ---------------------------------------------------------
    # Pure computation: containers, numbers, text (the corpus's first
    # CPython case, in the default suite before this list). 13 modules,
    # ~16 s, 10 of them test_statistics.
    ("builtins", True, MARKER, [
        "test_statistics", "test_collections", "test_enum",
        "test_ordered_dict", "test_itertools", "test_math", "test_difflib",
        "test_fractions", "test_textwrap", "test_bisect", "test_heapq",
        "test_string", "test_operator",
    ]),
    # The os module itself (fork, spawn, scandir, sendfile, xattrs, ...),
    # posix, tempfile, pathlib, stat; test_os and test_stat import
    # socket_helper. ~19 s.
    ("os", True, SOCKET_PROBE, [
        "test_os", "test_posix", "test_stat", "test_tempfile",
        "test_pathlib", "test_platform", "test_getpass", "test_select",
        "test_unicode_file", "test_unicode_file_functions",
    ]),
    # Child processes: subprocess, wait3/wait4, fork in threads, EINTR
    # handling across children, interpreters started in other locales.
    # ~70 s.
    ("processes", True, MARKER, [
        "test_subprocess", "test_wait3", "test_wait4", "test_fork1",
        "test_eintr", "test_file_eintr", "test_c_locale_coercion",
        "test_utf8_mode",
    ]),
    # Signals: handlers, set_wakeup_fd, itimers, sigwait, pthread_kill,
    # faulthandler's dumps and watchdog thread. ~75 s.
    ("signals", True, MARKER, [
        "test_signal", "test_faulthandler",
    ]),
    # threading and queue: locks, conditions, events, barriers, thread
    # exit at shutdown, timeouts. ~27 s.
    ("threads", True, MARKER, [
        "test_threading", "test_queue",
    ]),
    # poll(2) and the selectors on pipes; test_selectors imports
    # socket_helper. ~30 s.
    ("polling", True, SOCKET_PROBE, [
        "test_poll", "test_selectors",
    ]),
    # Compression and archives on files in the working directory;
    # test_tarfile probes symlinks at import. ~73 s.
    ("archives", True, SYMLINK_PROBE, [
        "test_zlib", "test_gzip", "test_bz2", "test_lzma", "test_zipfile",
        "test_tarfile",
    ]),
    # The io module (C and Python implementations, buffered and text I/O,
    # signals interrupting I/O), pickling, marshal, shelve, dbm.dumb
    # (can_chmod at import); test_mailbox imports socket_helper. ~62 s.
    ("io", True, SOCKET_PROBE, [
        "test_io", "test_bufio", "test_pickle", "test_marshal",
        "test_shelve", "test_mailbox", "test_dbm_dumb",
    ]),
    # datetime (C and Python), calendar, codecs. ~45 s.
    ("time_codecs", True, MARKER, [
        "test_datetime", "test_calendar", "test_codecs",
    ]),
    # The interpreter's own state: sys, gc, weakref, warnings, tracebacks,
    # runpy, config files and argument parsing (test_argparse probes
    # chmod at import). ~40 s.
    ("interpreter", True, FILE_PROBE, [
        "test_sys", "test_gc", "test_weakref", "test_warnings",
        "test_traceback", "test_runpy", "test_configparser",
        "test_argparse",
    ]),
    # Restored with --pid-ns (each instance the recorded pid and tids):
    # test_threadsignals does process_pid = os.getpid() at import and
    # signals that pid from its threads, so without the flag a restored
    # instance signals the recording's pid (README, "What instances share").
    # 1 module, ~5 s.
    ("pid_ns", False, MARKER, ["test_threadsignals"], ["--pid-ns"]),
]

# Not run, and why (each was tried cold on this VM).
EXCLUDED = {
    # Too much time.
    "test_largefile": "writes files past 2 GiB: 83 s cold",
    "test_concurrent_futures": "process pools of every start method: over 150 s cold",
    "test_tokenize": "round-trips the whole standard library: 63 s cold",
    "test_multiprocessing_fork": "minutes cold; semaphores in /dev/shm",
    "test_multiprocessing_forkserver": "minutes cold; AF_UNIX servers",
    "test_multiprocessing_spawn": "minutes cold",
    # Fail cold outside regrtest, so they say nothing about restore.
    "test_tracemalloc": "test_snapshot wants more than 10 frames under it; our runner is shallower than regrtest",
    "test_compileall": "two hardlink tests fail with PYTHONDONTWRITEBYTECODE=1, which the corpus sets",
    # Need a terminal (every run has stdin from /dev/null, stdout a file).
    "test_ioctl": "ioctls on the controlling terminal",
    "test_pty": "a pseudo-terminal as the controlling terminal",
    "test_openpty": "pseudo-terminals",
    "test_readline": "a terminal for readline",
    "test_curses": "a terminal",
    # Need the network, or localhost servers (sockets are outside the
    # model; the brief is socket-free I/O).
    "test_socket": "sockets of every family",
    "test_ssl": "TLS servers",
    "test_asyncio": "event loops on sockets",
    "test_socketserver": "localhost servers",
    "test_logging": "localhost TCP/UDP/syslog handlers and servers",
    "test_urllib2net": "the internet",
    "test_timeout": "the internet",
}


def group(name):
    for g in GROUPS:
        if g[0] == name:
            return g
    raise KeyError(name)


def main(argv):
    if argv == ["--cmake"]:
        for name, is_long, trigger, _, *restore_args in GROUPS:
            # CMake splits the output on newlines; a ';' would split a
            # line again.
            if ";" in trigger or "\n" in trigger:
                sys.stderr.write("cpython_modules.py: group %s: trigger %r has ';' or a newline\n" % (name, trigger))
                return 1
            label = "long" if is_long else "fast"
            args = ",".join(restore_args[0]) if restore_args else "-"
            print("%s %s %s %s" % (name, label, args, trigger))
        return 0
    if len(argv) == 2 and argv[0] == "--modules":
        try:
            print("\n".join(group(argv[1])[3]))
        except KeyError:
            sys.stderr.write("cpython_modules.py: no group %r\n" % argv[1])
            return 2
        return 0
    sys.stderr.write(__doc__.split("usage: ")[1])
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
