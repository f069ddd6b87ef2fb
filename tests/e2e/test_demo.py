"""`tools/bootstrap.sh demo` shows a rollout (issue 11, "Done when"): tools/demo.sh runs as a
user would run it, and its last part walks the two simulated phones to their targets, with
`fwplan rollout status` before (both waiting), during and after (both done). Needs what the
e2e tests need (root, tftpd-hpa, rsyslog) and FWPLAN; ctest runs it as e2e.demo."""
import os
import re
import subprocess
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE_DIR = Path(os.environ.get("FWPLAN_SOURCE_DIR", HERE.parents[1]))
FWPLAN = os.environ.get("FWPLAN")
TMP_ROOT = Path(os.environ.get("FWPLAN_TEST_TMPDIR", tempfile.gettempdir()))


@unittest.skipUnless(FWPLAN, "set FWPLAN to the fwplan binary (ctest does)")
class Demo(unittest.TestCase):
    def test_the_demo_walks_two_phones_unattended(self):
        if os.geteuid() != 0:
            self.fail("the demo's rollout needs root (tftpd-hpa, phones on 127.0.0.N)")
        TMP_ROOT.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, TMPDIR=str(TMP_ROOT), NO_COLOR="1")
        run = subprocess.run([SOURCE_DIR / "tools" / "demo.sh", FWPLAN], env=env,
                             capture_output=True, text=True, timeout=150)
        out = re.sub(r"\x1b\[[0-9;]*m", "", run.stdout)
        self.assertEqual(run.returncode, 0, out[-3000:] + run.stderr[-2000:])
        summaries = re.findall(r"^Rollout in \S+  2 phones: (.*)$", out, re.M)
        self.assertGreaterEqual(len(summaries), 3, out[-3000:])  # before, during, after
        self.assertEqual(summaries[0], "2 waiting")
        self.assertNotEqual(summaries[1], "2 waiting")
        self.assertEqual(summaries[-1], "2 done")
        # What the phones themselves run at the end, and the one reset the 7941 needed.
        self.assertIn("7941 SEP008041AEFD7E: SIP41.9-4-2SR3-1S, reset 1 time(s)", out)
        self.assertIn("7960 SEP0019E8F41234: P0S3-8-12-00, reset 0 time(s)", out)


if __name__ == "__main__":
    unittest.main()
