"""Shared helpers for the CLI tests: run the fwplan binary the build made, like a user."""
import json
import os
import subprocess
import tempfile
import unittest
from pathlib import Path

FWPLAN = os.environ.get("FWPLAN", "fwplan")
SOURCE_DIR = Path(os.environ.get("FWPLAN_SOURCE_DIR", Path(__file__).resolve().parents[2]))
TESTDATA = SOURCE_DIR / "testdata"
TMP_ROOT = Path(os.environ.get("FWPLAN_TEST_TMPDIR", tempfile.gettempdir()))


class Run:
    """The outcome of one fwplan invocation."""

    def __init__(self, args, completed):
        self.args = args
        self.code = completed.returncode
        self.out = completed.stdout
        self.err = completed.stderr

    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return f"fwplan {' '.join(self.args)} -> {self.code}\nstdout:\n{self.out}\nstderr:\n{self.err}"


def fwplan(*args, env=None, cwd=None, input=None, timeout=300):
    full_env = dict(os.environ)
    full_env.pop("NO_COLOR", None)
    if env:
        full_env.update(env)
    completed = subprocess.run([FWPLAN, *map(str, args)], capture_output=True, text=True,
                               env=full_env, cwd=cwd, input=input, timeout=timeout)
    return Run([str(a) for a in args], completed)


# Text a file, a CSV cell or a network client can carry: a right-to-left override and U+009B
# (CSI, which some terminals obey like ESC [), then what it would start ("31m": red).
HOSTILE = "\u202e\u009b31m"
# HOSTILE as fwplan prints it (terminal_safe).
HOSTILE_SHOWN = "\\u202E\\xc2\\x9b31m"


class CliTest(unittest.TestCase):
    """A test case with a fresh scratch folder in self.tmp."""

    def setUp(self):
        TMP_ROOT.mkdir(parents=True, exist_ok=True)
        self._tmp = tempfile.TemporaryDirectory(dir=TMP_ROOT)
        self.tmp = Path(self._tmp.name)

    def tearDown(self):
        self._tmp.cleanup()

    def assertExit(self, run, code):
        self.assertEqual(run.code, code, msg=repr(run))

    def assertEscaped(self, text, *shown):
        """`text` carries none of HOSTILE's characters raw, and each of `shown` (the escaped
        form fwplan prints) as it is."""
        for raw in HOSTILE[:2]:  # the two characters; "31m" is harmless text
            self.assertNotIn(raw, text)
        for part in shown:
            self.assertIn(part, text)

