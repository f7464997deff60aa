#!/usr/bin/env python3
"""Every single-byte flip and every truncation of a small snapshot, through
the real binaries.

Records tests/hardening/tiny_target (static, no libc: about the smallest
snapshot there is) and runs, on each corrupted copy,

    restore NAME
    snapinfo SUBCOMMAND NAME   (verify, the report, --json, files, core -o F:
                                one per case in turn; all five for the
                                named refusals)
    snapfs -m DIR NAME

Every run must exit 1 (no signal, no sanitizer report, no acceptance), print
nothing on stdout (for restore: not a byte of the program's replayed or live
output, so it never jumped in), and print exactly one line on stderr: `TOOL: `
first, naming the file at fault and the reason expected for that corruption,
in the same words in all three tools. snapfs must not mount and snapinfo core
must not write a core.

The corruptions (--part flips, truncations, or all):
  flips:
  * every byte of NAME.info xor 0xff, one at a time. Every byte is under a
    checksum (header_checksum covers the header before it and is itself
    compared; body_checksum covers the rest), so each must be refused: bytes
    0-7 as bad magic, 8-11 as another format version ("recorded by format
    N, this build reads M", read before the checksum so that another format
    is named as such), 12-263 as a header
    checksum mismatch, the rest as a body checksum mismatch. Nothing else
    is accepted: a flip that landed in a field "that does not matter" would
    show up here as a wrong message or an exit 0;
  * every byte of NAME.pages' trailer (its magic and the id binding it to
    NAME.info) xor 0xff;
  truncations:
  * NAME.info cut to every length from 0 to its size - 1;
  * NAME.pages cut at every page boundary and 1, 2048 and 4095 bytes past
    each (all ~266,000 byte lengths would be 800,000 runs of one exact size
    comparison), and one byte longer than recorded;
  * named refusals of snapshots with valid checksums (tests/tools/info_patch):
    a pages file shorter than the info says, a page run and a mapping
    pointing outside NAME.pages, a file path and a replayed output outside
    the blob, a mapping of a file index past the files table, a section past
    the end of NAME.info, overlapping mappings, a mapping in restore's
    reserved window, a newer format version and the previous one (1),
    another architecture;
  * paths that are not snapshot files: NAME.info or NAME.pages missing, a
    directory, a FIFO (which must not hang open()), NAME.info /dev/null, a
    backing file (the program) that became a FIFO, and a non-zero byte in
    NAME.pages outside every page run (snapinfo verify and restore --verify
    only). A restore bug met here that is not ours to fix is printed as
    KNOWN instead of failing the test.
The untouched snapshot must restore, verify and mount (unless the kernel
refuses FUSE) before and after. Exit 0 if all held, else 1 with each failure.

usage: corruption_sweep.py --ptracer P --restore R --snapinfo S --snapfs F
           --info-patch I --workdir W [--part flips|truncations|all]
           [--jobs N] [--stride N] TARGET
"""
import argparse
import concurrent.futures
import os
import re
import resource
import select
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time

HEADER_SIZE = 304  # sizeof(format::Header)
PAGE = 4096
TRAILER_BYTES = 16  # format::PagesTrailer: magic and id, in NAME.pages' last page
# elf_loader gives the program RLIMIT_STACK (at least 128 KiB past its
# strings) and NAME.pages backs the whole stack mapping: 256 KiB keeps
# NAME.pages at 65 pages. ptracer itself needs more than 64 KiB.
STACK_LIMIT = 256 << 10
TARGET_OUTPUT = b"tiny: before the checkpoint\ntiny: restored\n"
TOOL_TIMEOUT = 60
FUSE_REFUSED = r"cannot mount: .*(Permission denied|Operation not permitted|/dev/fuse|No such device|fusermount)"


def run_tool(argv, scratch, timeout=TOOL_TIMEOUT):
    """Runs argv with stdin /dev/null, stdout and stderr to files in scratch.
    posix_spawn rather than subprocess: the sweep is ~30,000 execs and the
    time is theirs, not this script's. Returns (exit code, negative for a
    signal, None when killed after `timeout` seconds; stdout; stderr)."""
    out_path, err_path = os.path.join(scratch, "out"), os.path.join(scratch, "err")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=[
        (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, out_path, flags, 0o600),
        (os.POSIX_SPAWN_OPEN, 2, err_path, flags, 0o600)])
    pidfd = os.pidfd_open(pid)
    try:
        finished = select.select([pidfd], [], [], timeout)[0]
    finally:
        os.close(pidfd)
    if not finished:
        os.kill(pid, signal.SIGKILL)
    status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    with open(out_path, "rb") as f:
        out = f.read()
    with open(err_path, "rb") as f:
        err = f.read()
    return (status if finished else None), out, err


def value(v):
    """The value a message ends with (hex, in every tool)."""
    return r"\(0x%x\)$" % v


class Case:
    """One corrupted snapshot and the reason every tool must give for it."""

    def __init__(self, kind, param, why, culprit="info", restore_why=None, restore_known=None, timeout=TOOL_TIMEOUT):
        self.kind = kind        # info-flip, info-truncate, pages-truncate, ...
        self.param = param      # offset or length
        self.why = why          # regex the stderr line must match
        self.culprit = culprit  # the file the line must name: info, pages or a path
        self.restore_why = restore_why or why
        # A known restore bug (restore/ is not ours to fix here): reported,
        # not failed, and said so when it is gone.
        self.restore_known = restore_known
        self.timeout = timeout
        self.quiet = True       # nothing on stdout
        self.index = 0          # picks the snapinfo subcommand

    def label(self):
        return "%s %s" % (self.kind, self.param)


def version_why(recorded, version):
    """The refusal of a snapshot of format `recorded` by a build of `version`."""
    return r"recorded by format %d, this build reads %d$" % (recorded, version)


def flip_case(offset, version):
    """`version`: the format version of the good snapshot (its bytes 8-11)."""
    if offset < 8:
        why = r"not a snapshot \(bad magic\)$"
    elif offset < 12:
        why = version_why(version ^ (0xff << (8 * (offset - 8))), version)
    elif offset < HEADER_SIZE:
        why = r"header checksum mismatch$"
    else:
        why = r"checksum mismatch in the info file body$"
    return Case("info-flip", offset, why)


def truncate_case(length):
    if length == 0:
        # restore reads nothing of an empty file and says so itself.
        return Case("info-truncate", 0, r"file too short for a header " + value(0), restore_why=r"empty file$")
    if length < HEADER_SIZE:
        return Case("info-truncate", length, r"file too short for a header " + value(length))
    return Case("info-truncate", length,
                r"info file size differs from its header: shorter than recorded \(truncated\?\) " + value(length))


class Sweep:
    # snapinfo's subcommands all open the snapshot (SnapshotFile) before
    # anything else: each case goes to one of them in turn, so it costs three
    # execs, not seven. The named refusals go to all of them.
    SNAPINFO = [["verify"], [], ["--json"], ["files"], ["core", "-o", "@CORE@"]]

    NAMED = [
        # (what, info_patch change or None for NAME.pages a page short, reason)
        ("pages file shorter than the info says", None,
         r"pages file size differs from the info: shorter than recorded \(truncated\?\)"),
        ("page run outside NAME.pages", "run-outside", r"page run points outside the pages file at"),
        ("mapping outside NAME.pages", "mapping-outside", r"mapping points outside the pages file at"),
        ("file path outside the blob", "path-outside", r"file path outside the string table"),
        ("replayed output outside the blob", "output-outside", r"output data outside the blob"),
        ("mapping of a file not in the table", "file-outside", r"bad file for mapping at"),
        ("section past the end of NAME.info", "section-outside", r"section runs past the end of the file"),
        ("overlapping mappings", "overlap", r"mappings overlap at"),
        ("mapping in restore's reserved window", "window", r"mapping inside restore's reserved window at"),
        # @NEXT@ and @VERSION@: the good snapshot's format version + 1, and it.
        ("a newer format version", "version", r"recorded by format @NEXT@, this build reads @VERSION@$"),
        ("the previous format (1)", "version=1", r"recorded by format 1, this build reads @VERSION@$"),
        ("another architecture", "arch", r"snapshot for another architecture \(ELF machine\)"),
    ]

    def __init__(self, args):
        self.args = args
        self.work = os.path.realpath(args.workdir)
        self.good = os.path.join(self.work, "good")
        self.runs = {}  # tool label -> runs checked
        self.known = []  # known restore bugs met
        self.lock = threading.Lock()

    # ---- running the tools on one snapshot ------------------------------------

    def tools(self, name, mnt, snapinfo_variants, snapfs=True, restore=True, restore_args=()):
        """(label, prefix, argv) of each run for snapshot NAME."""
        a = self.args
        runs = [("restore", "restore", [a.restore] + list(restore_args) + [name])] if restore else []
        for k in snapinfo_variants:
            sub = [arg.replace("@CORE@", mnt + ".core") for arg in self.SNAPINFO[k]]
            runs.append((" ".join(["snapinfo"] + sub[:1]), "snapinfo", [a.snapinfo] + sub + [name]))
        if snapfs:
            runs.append(("snapfs", "snapfs", [a.snapfs, "-m", mnt, name]))
        return runs

    def check(self, case, name, mnt, snapinfo_variants, snapfs=True, restore=True, restore_args=()):
        """Runs the tools on NAME; returns (problems, restore's stderr)."""
        problems, restore_line, reasons = [], "", {}
        culprit = case.culprit if case.culprit.startswith("/") else "%s.%s" % (name, case.culprit)
        for label, prefix, argv in self.tools(name, mnt, snapinfo_variants, snapfs, restore, restore_args):
            status, out, err = run_tool(argv, os.path.dirname(name), case.timeout)
            with self.lock:
                self.runs[label] = self.runs.get(label, 0) + 1
            text = err.decode(errors="replace")
            lines = text.splitlines()
            first = lines[0] if lines else ""
            if label == "restore":
                restore_line = first
            why = case.restore_why if label == "restore" else case.why
            bad = []
            if status is None:
                bad.append("hung, killed after %d s" % case.timeout)
            elif status < 0:
                bad.append("killed by signal %d" % -status)
            elif status == 0:
                bad.append("exit 0: accepted the corrupt snapshot")
            elif status != 1:
                bad.append("exit %d, not 1" % status)
            if out and (case.quiet or label == "restore"):
                bad.append("stdout not empty: %r" % out[:120])
            if len(lines) != 1:
                bad.append("%d lines on stderr, not 1" % len(lines))
            if re.search(r"Sanitizer|runtime error|terminate called|Assertion", text):
                bad.append("a sanitizer report or an abort")
            if not first.startswith(prefix + ": "):
                bad.append("stderr does not start with '%s: '" % prefix)
            if culprit not in first:
                bad.append("does not name %s" % culprit)
            if not re.search(why, first):
                bad.append("does not say /%s/" % why)
            reasons[label] = first.partition(culprit + ": ")[2]
            if label == "snapinfo core" and os.path.exists(mnt + ".core"):
                os.unlink(mnt + ".core")
                bad.append("wrote a core")
            if label == "snapfs" and (status == 0 or os.path.ismount(mnt)):
                subprocess.run(["fusermount3", "-u", mnt], capture_output=True)
                bad.append("mounted the corrupt snapshot")
            if label == "restore" and case.restore_known:
                self.known.append("%s: restore %s (here: %s)" % (case.label(), case.restore_known,
                                                                  bad[0] if bad else "refused cleanly now: fixed?"))
                reasons.pop(label, None)
            elif bad:
                problems.append("%s: %s: %s [stderr: %s]" % (case.label(), label, "; ".join(bad), text.strip()[:300]))
        if case.restore_why == case.why and not problems and "restore" in reasons:
            for label, reason in reasons.items():
                if reason != reasons["restore"]:
                    problems.append("%s: %s says '%s', restore '%s'" % (case.label(), label, reason, reasons["restore"]))
        return problems, restore_line

    # ---- the sweep ------------------------------------------------------------

    def write(self, path, data):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)

    def cases(self):
        info_size, pages_size = len(self.info), len(self.pages)
        out = []
        if self.args.part in ("flips", "all"):
            out += [flip_case(o, self.version) for o in range(info_size)]
            out += [Case("trailer-flip", o, r"belongs to another snapshot than its \.info", culprit="pages")
                    for o in range(TRAILER_BYTES)]
        if self.args.part in ("truncations", "all"):
            out += [truncate_case(n) for n in range(info_size)]
            lengths = set()
            for page in range(0, pages_size, PAGE):
                lengths.update(n for n in (page, page + 1, page + 2048, page + PAGE - 1) if n < pages_size)
            out += [Case("pages-truncate", n,
                         r"pages file size differs from the info: shorter than recorded \(truncated\?\) " + value(n))
                    for n in sorted(lengths)]
            out.append(Case("pages-extend", 1,
                            r"pages file size differs from the info: longer than recorded " + value(pages_size + 1)))
        out = out[::self.args.stride]
        for i, case in enumerate(out):
            case.index = i
        return out

    def worker(self, index, cases):
        """Runs `cases` in a directory of its own; returns the problems."""
        d = os.path.join(self.work, "w%d" % index)
        mnt = os.path.join(d, "mnt")
        os.makedirs(mnt)
        name = os.path.join(d, "c")
        info_path, pages_path = name + ".info", name + ".pages"
        pages_linked = False  # c.pages is a hard link to the good NAME.pages
        problems = []
        for case in cases:
            info, pages = self.info, None
            if case.kind == "info-flip":
                info = bytearray(self.info)
                info[case.param] ^= 0xFF
            elif case.kind == "info-truncate":
                info = self.info[:case.param]
            elif case.kind == "pages-truncate":
                pages = self.pages[:case.param]
            elif case.kind == "pages-extend":
                pages = self.pages + b"\0" * case.param
            elif case.kind == "trailer-flip":
                pages = bytearray(self.pages)
                pages[len(pages) - PAGE + case.param] ^= 0xFF
            self.write(info_path, bytes(info))
            if pages is not None or not pages_linked:
                if os.path.lexists(pages_path):
                    os.unlink(pages_path)
                if pages is None:
                    os.link(self.good + ".pages", pages_path)
                else:
                    self.write(pages_path, bytes(pages))
                pages_linked = pages is None
            problems += self.check(case, name, mnt, [case.index % len(self.SNAPINFO)])[0]
        return problems

    def named(self):
        """The named refusals: each through restore, every snapinfo subcommand and snapfs."""
        problems = []
        d = os.path.join(self.work, "named")
        mnt = os.path.join(d, "mnt")
        os.makedirs(mnt)
        print("named refusals (valid checksums) x restore, 5 snapinfo subcommands, snapfs; restore says:")
        for i, (what, change, why) in enumerate(self.NAMED):
            why = why.replace("@NEXT@", str(self.version + 1)).replace("@VERSION@", str(self.version))
            name = os.path.join(d, "n%d" % i)
            self.write(name + ".info", self.info)
            if change:
                os.link(self.good + ".pages", name + ".pages")
                r = subprocess.run([self.args.info_patch, name + ".info", change], capture_output=True, text=True)
                if r.returncode != 0:
                    problems.append("%s: info_patch %s failed: %s" % (what, change, r.stderr.strip()))
                    continue
            else:
                self.write(name + ".pages", self.pages[:len(self.pages) - PAGE])
            found, line = self.check(Case("named", what, why), name, mnt, range(len(self.SNAPINFO)))
            problems += found
            print("  %-38s %s" % (what + ":", line.replace(name, "NAME")))
        return problems

    # ---- not a snapshot file at all -------------------------------------------

    # A FIFO in their place must not hang a tool in open() (restore opens
    # with O_NONBLOCK and blocks signals only after its checks).
    SPECIAL_TIMEOUT = 5

    def special(self):
        """NAME.info and NAME.pages missing, directories, FIFOs, /dev/null."""
        d = os.path.join(self.work, "special")
        mnt = os.path.join(d, "mnt")
        os.makedirs(mnt)
        good_pages = lambda n: os.link(self.good + ".pages", n + ".pages")
        good_info = lambda n: self.write(n + ".info", self.info)
        cases = [
            ("NAME.info missing", [good_pages], "info", r"No such file or directory$", None),
            ("NAME.pages missing", [good_info], "pages", r"No such file or directory$", None),
            ("NAME.info a directory", [lambda n: os.mkdir(n + ".info"), good_pages], "info", r"not a regular file$", None),
            ("NAME.pages a directory", [good_info, lambda n: os.mkdir(n + ".pages")], "pages", r"not a regular file$",
             None),
            ("NAME.info a FIFO", [lambda n: os.mkfifo(n + ".info", 0o600), good_pages], "info", r"not a regular file$",
             None),
            ("NAME.pages a FIFO", [good_info, lambda n: os.mkfifo(n + ".pages", 0o600)], "pages",
             r"not a regular file$", None),
            ("NAME.info /dev/null", [lambda n: os.symlink("/dev/null", n + ".info"), good_pages], "info",
             r"not a regular file$", None),
        ]
        restore_why = {"NAME.info /dev/null": r"writable by group or others"}  # restore checks trust first
        problems = []
        for i, (what, setup, culprit, why, known) in enumerate(cases):
            name = os.path.join(d, "s%d" % i)
            for step in setup:
                step(name)
            case = Case("special", what, why, culprit=culprit, restore_why=restore_why.get(what), restore_known=known,
                        timeout=self.SPECIAL_TIMEOUT)
            problems += self.check(case, name, mnt, range(len(self.SNAPINFO)))[0]
        # A valid snapshot whose backing file (the program) became a FIFO:
        # the tools that open it must refuse, not hang (snapfs mounts, as it
        # opens backing files only when its mem or core is read).
        # Its directory is moved away and back, not the program itself: a
        # rename of the file would set its ctime, and restore would then
        # refuse the untouched snapshot as changed.
        prog_dir = os.path.join(self.work, "prog")
        name, program = os.path.join(d, "backing"), os.path.join(prog_dir, "tiny")
        good_info(name)
        good_pages(name)
        os.rename(prog_dir, prog_dir + ".away")
        os.mkdir(prog_dir)
        os.mkfifo(program, 0o600)
        try:
            case = Case("special", "backing file a FIFO", r"replaced \(device or inode differs\)$", culprit=program,
                        restore_why=r"file changed since the snapshot was recorded$", timeout=self.SPECIAL_TIMEOUT)
            case.quiet = False  # verify reports its progress: the info and pages are fine
            problems += self.check(case, name, mnt, [0], snapfs=False)[0]
            case = Case("special", "backing file a FIFO", r"not a regular file$", culprit=program)
            problems += self.check(case, name, mnt, [4], snapfs=False, restore=False)[0]
        finally:
            os.unlink(program)
            os.rmdir(prog_dir)
            os.rename(prog_dir + ".away", prog_dir)
        # A byte in NAME.pages that no run covers: a hole of the stack's
        # kBasePages region (restore maps it into the program) and the
        # trailer's padding. No checksum covers them; verify checks they are
        # zero. restore, snapinfo's report and snapfs make only the cheap
        # checks by design and are not asked.
        stray = [("in a hole of a NAME.pages mapping", 0), ("in the trailer's padding", len(self.pages) - PAGE + 100)]
        for i, (where, offset) in enumerate(stray):
            name = os.path.join(d, "stray%d" % i)
            good_info(name)
            pages = bytearray(self.pages)
            pages[offset] ^= 0xFF
            self.write(name + ".pages", bytes(pages))
            case = Case("special", "a byte " + where,
                        r"data outside every stored page run at offset 0x%x \(unstored pages must be zero\)$" % offset,
                        culprit="pages", timeout=self.SPECIAL_TIMEOUT,
                        restore_why=r"data outside every stored page run, unstored pages must be zero, at offset "
                                    r"\(0x%x\)$" % offset)
            case.quiet = False  # verify reports its progress up to the mismatch
            # Nothing maps the trailer page: restore need not care about it.
            problems += self.check(case, name, mnt, [0], snapfs=False, restore=offset == 0, restore_args=["--verify"])[0]
        print("  not snapshot files (NAME.info or NAME.pages missing, a directory, a FIFO, /dev/null), "
              "a backing file that became a FIFO, a stray byte outside NAME.pages' runs: %d" % (len(cases) + 3))
        return problems

    # ---- the untouched snapshot -----------------------------------------------

    def record(self):
        def small_stack():
            resource.setrlimit(resource.RLIMIT_STACK, (STACK_LIMIT, STACK_LIMIT))
        # A copy of the program, which special() replaces by a FIFO; an empty
        # environment keeps NAME.info small.
        os.makedirs(os.path.join(self.work, "prog"))
        program = os.path.join(self.work, "prog", "tiny")
        shutil.copy(self.args.target, program)
        r = subprocess.run([self.args.ptracer, "-o", self.good, program], env={}, cwd=self.work,
                           stdin=subprocess.DEVNULL, capture_output=True, preexec_fn=small_stack, timeout=120)
        if r.returncode != 0:
            sys.exit("FAIL: recording %s: exit %d: %s" % (self.args.target, r.returncode, r.stderr.decode()))
        with open(self.good + ".info", "rb") as f:
            self.info = f.read()
        self.version = struct.unpack_from("<I", self.info, 8)[0]  # Header.version
        with open(self.good + ".pages", "rb") as f:
            self.pages = f.read()

    def good_works(self, when):
        problems = []
        r = subprocess.run([self.args.restore, self.good], stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        if r.returncode != 0 or r.stdout != TARGET_OUTPUT:
            problems.append("%s: the untouched snapshot does not restore: exit %d, stdout %r, stderr %r"
                            % (when, r.returncode, r.stdout, r.stderr))
        for sub in self.SNAPINFO[:2]:
            r = subprocess.run([self.args.snapinfo] + sub + [self.good], capture_output=True, timeout=60)
            if r.returncode != 0:
                problems.append("%s: snapinfo %s of the untouched snapshot: exit %d: %s"
                                % (when, " ".join(sub), r.returncode, r.stderr.decode().strip()))
        return problems

    def good_mounts(self):
        """snapfs mounts the untouched snapshot, unless the kernel refuses FUSE."""
        mnt = os.path.join(self.work, "goodmnt")
        os.makedirs(mnt)
        if not os.path.exists("/dev/fuse") or not shutil.which("fusermount3"):
            return [], "not tried (no /dev/fuse or fusermount3)"
        r = subprocess.run([self.args.snapfs, "-m", mnt, self.good], capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            if re.search(FUSE_REFUSED, r.stderr):
                return [], "not tried (the kernel refused FUSE: %s)" % r.stderr.strip()
            return ["snapfs does not mount the untouched snapshot: exit %d: %s" % (r.returncode, r.stderr.strip())], ""
        try:
            entries = os.listdir(mnt)
            ok = len(entries) == 1 and os.path.exists(os.path.join(mnt, entries[0], "maps"))
        finally:
            subprocess.run(["fusermount3", "-u", mnt], capture_output=True)
        if not ok:
            return ["snapfs mounted the untouched snapshot without its process directory: %s" % entries], ""
        return [], "mounts"

    # ---- all of it ------------------------------------------------------------

    def run(self):
        start = time.monotonic()
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(os.path.join(self.work, "bin"))
        # Copies: every run uses one build even if the build directory is
        # relinked while the sweep runs (minutes, in a shared tree).
        for tool in ("restore", "snapinfo", "snapfs"):
            copy = os.path.join(self.work, "bin", tool)
            shutil.copy(getattr(self.args, tool), copy)
            setattr(self.args, tool, copy)
        self.record()
        print("snapshot of %s: NAME.info %d bytes, NAME.pages %d bytes"
              % (os.path.basename(self.args.target), len(self.info), len(self.pages)))
        problems = self.good_works("before")
        found, mounted = self.good_mounts()
        problems += found
        print("untouched: restores, snapinfo verifies and reports it, snapfs %s" % mounted)

        cases = self.cases()
        jobs = self.args.jobs
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            for found in pool.map(self.worker, range(jobs), [cases[i::jobs] for i in range(jobs)]):
                problems += found
        counts = {}
        for c in cases:
            counts[c.kind] = counts.get(c.kind, 0) + 1
        print("each case x 3 tools: restore, snapinfo (verify, report, --json, files, core in turn), snapfs")
        if self.args.part in ("flips", "all"):
            print("  NAME.info: %d single-byte flips (%s); NAME.pages: %d trailer flips"
                  % (counts.get("info-flip", 0), "every byte" if self.args.stride == 1 else "stride %d" % self.args.stride,
                     counts.get("trailer-flip", 0)))
        if self.args.part in ("truncations", "all"):
            print("  NAME.info: %d truncations (lengths 0..%d); NAME.pages: %d truncations "
                  "(every page boundary, +1, +2048, +4095 bytes), %d one byte longer"
                  % (counts.get("info-truncate", 0), len(self.info) - 1, counts.get("pages-truncate", 0),
                     counts.get("pages-extend", 0)))
            problems += self.special()
            problems += self.named()
        problems += self.good_works("after")

        for k in self.known:
            print("KNOWN: " + k)
        for p in problems[:40]:
            print("FAIL: " + p)
        if len(problems) > 40:
            print("... and %d more failures" % (len(problems) - 40))
        me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        print("%d tool runs (%s) in %.1f s, %d jobs, CPU %.0f s in the tools and %.0f s here: %s"
              % (sum(self.runs.values()), ", ".join("%s %d" % kv for kv in sorted(self.runs.items())),
                 time.monotonic() - start, jobs, children.ru_utime + children.ru_stime, me.ru_utime + me.ru_stime,
                 "all refused cleanly" if not problems else "%d failures" % len(problems)))
        print("RESULT: ok" if not problems else "RESULT: FAIL")
        return 0 if not problems else 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for tool in ("ptracer", "restore", "snapinfo", "snapfs", "info-patch"):
        p.add_argument("--" + tool, required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--part", choices=("flips", "truncations", "all"), default="all")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    p.add_argument("--stride", type=int, default=1, help="every Nth case only (quick runs while developing)")
    p.add_argument("target")
    args = p.parse_args()
    for key in ("ptracer", "restore", "snapinfo", "snapfs", "info_patch", "target"):
        setattr(args, key, os.path.realpath(getattr(args, key)))
    sys.exit(Sweep(args).run())


if __name__ == "__main__":
    main()
