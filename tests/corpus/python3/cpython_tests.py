"""Corpus case: some of CPython's own regression tests in a restored interpreter.

Imports unittest and the test modules named on the command line (from
Debian's libpython3.11-testsuite, /usr/lib/python3.11/test/) and loads
their tests before the checkpoint; runs them after it. The runner prints
each test id with its outcome, one per line in load order, then a summary
without timings, and exits 0 only if every test passed (skips and expected
failures count as passes, as in unittest). A restored run must print
exactly what a cold run prints.

usage: python3 cpython_tests.py MODULE...    e.g. test.test_json test.test_re
       python3 cpython_tests.py --group NAME a group of cpython_modules.py
"""
import importlib
import re
import sys
import unittest

import snappy_checkpoint
from test import support

# regrtest's default (no -v): tests then print no progress of their own
# (test_strftime printed the time of day) and run child interpreters with
# their output captured rather than on our stderr (test_atexit's child
# printed "Ran 10 tests in 0.004s").
support.verbose = 0

# test.support.os_helper names its scratch files after the pid of the
# process that imported it (TESTFN, '@test_1234_tmp'), and skip reasons
# quote them: each cold run has its own pid, while every restored instance
# carries the recording's (imported before the snapshot point). The pid is
# left out of what we print.
_TESTFN_PID = re.compile(r"@test_[0-9]+_tmp")


def _without_pid(text):
    return _TESTFN_PID.sub("@test_PID_tmp", text)


class DeterministicResult(unittest.TestResult):
    """Prints `id ... outcome` lines; no timings, no tracebacks' addresses."""

    def __init__(self, stream):
        super().__init__()
        self.stream = stream
        self.counts = {"ok": 0, "FAIL": 0, "ERROR": 0, "skipped": 0,
                       "expected failure": 0, "unexpected success": 0}

    def _report(self, test, outcome, detail=""):
        self.counts[outcome] += 1
        self.stream.write("%s ... %s%s\n" % (test.id(), outcome, detail))
        self.stream.flush()

    def addSuccess(self, test):
        super().addSuccess(test)
        self._report(test, "ok")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._report(test, "FAIL")

    def addError(self, test, err):
        super().addError(test, err)
        # setUpClass/module fixtures fail as _ErrorHolder objects
        self.counts["ERROR"] += 1
        self.stream.write("%s ... ERROR\n" % (test.id() if hasattr(test, "id") else test))
        self.stream.flush()

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._report(test, "skipped", " (%s)" % _without_pid(str(reason)))

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._report(test, "expected failure")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._report(test, "unexpected success")

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            outcome = "FAIL" if issubclass(err[0], test.failureException) else "ERROR"
            self.counts[outcome] += 1
            self.stream.write("%s ... %s\n" % (subtest.id(), outcome))


def main(names):
    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    for name in names:
        module = importlib.import_module(name)
        suite.addTests(loader.loadTestsFromModule(module))
    print("loaded %d tests from %d modules" % (suite.countTestCases(), len(names)))
    sys.stdout.flush()

    snappy_checkpoint.checkpoint()

    out = sys.stdout
    result = DeterministicResult(out)
    suite.run(result)
    # The traceback of any failure, for the log (line numbers only; no ids).
    for test, trace in result.failures + result.errors:
        out.write("=" * 60 + "\n%s\n%s\n" % (test, _without_pid(trace)))
    summary = ", ".join("%s %d" % (k, v) for k, v in result.counts.items())
    out.write("ran %d tests: %s\n" % (result.testsRun, summary))
    out.write("RESULT: %s\n" % ("PASS" if result.wasSuccessful() else "FAIL"))
    out.flush()
    return 0 if result.wasSuccessful() else 1


def module_names(argv):
    if argv[:1] == ["--group"]:
        import cpython_modules
        if len(argv) != 2:
            sys.exit("usage: cpython_tests.py --group NAME")
        try:
            return ["test." + m for m in cpython_modules.group(argv[1])[3]]
        except KeyError:
            sys.exit("cpython_tests.py: no group %r in cpython_modules.py" % argv[1])
    return argv


if __name__ == "__main__":
    sys.exit(main(module_names(sys.argv[1:])))
