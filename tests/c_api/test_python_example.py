"""examples/python/fwplan_ctypes.py against the library the build made: run as a program
the way an admin would, and imported the way a provisioning tool would."""
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

SOURCE_DIR = Path(os.environ.get("FWPLAN_SOURCE_DIR", Path(__file__).resolve().parents[2]))
EXAMPLE = SOURCE_DIR / "examples" / "python" / "fwplan_ctypes.py"
TESTDATA = SOURCE_DIR / "testdata"
LIBRARY = os.environ["FWPLAN_C_LIBRARY"]

sys.path.insert(0, str(EXAMPLE.parent))
import fwplan_ctypes  # noqa: E402


def run(*args, env=None):
    full_env = dict(os.environ, FWPLAN_C_LIBRARY=LIBRARY)
    full_env.update(env or {})
    return subprocess.run([sys.executable, str(EXAMPLE), *map(str, args)], capture_output=True,
                          text=True, env=full_env, timeout=300)


class AsAProgram(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = Path(self._tmp.name)

    def tearDown(self):
        self._tmp.cleanup()

    def test_plans_the_readme_phone_and_lists_each_steps_files(self):
        done = run()
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = done.stdout.splitlines()
        self.assertRegex(lines[0], r"^fwplan \d+\.\d+\.\d+$")
        self.assertEqual(lines[1], "Plan for a 7941: SCCP41.8-3-1S -> SIP41.9-4-2SR3-1S, 2 steps")
        self.assertTrue(lines[2].startswith(
            "  1. SCCP41.8-5-2S  SCCP 8.5(2)  cmterm-7941_7961-sccp.8-5-2.zip (to download)"),
            lines[2])
        self.assertIn("rules: J-01, J-02, J-04, J-05", lines[2])  # each rule once
        self.assertRegex(lines[3], r"^     SEP008041AEFD7E\.cnf\.xml: \d+ bytes$")
        # The built-in template names dialplan.xml: each step has one (issue 13, point 1).
        self.assertRegex(lines[4], r"^     dialplan\.xml: \d+ bytes$")
        self.assertTrue(lines[5].startswith("  2. SIP41.9-4-2SR3-1S  SIP 9.4(2)SR3"), lines[5])
        # The built-in template with no server: the SIP step says what the phone lacks.
        self.assertIn("[fwplan.config.no-server]", done.stdout)

    def test_writes_every_step_with_the_settings(self):
        done = run("--server", "192.168.178.1", "--line", "620", "--out", self.tmp,
                   env={"FWPLAN_LINE_PASSWORD": "s3cret"})
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertNotIn("warning:", done.stdout)
        self.assertNotIn("s3cret", done.stdout)
        first = (self.tmp / "step-1" / "SEP008041AEFD7E.cnf.xml").read_text()
        second = (self.tmp / "step-2" / "SEP008041AEFD7E.cnf.xml").read_text()
        self.assertIn("<loadInformation>SCCP41.8-5-2S</loadInformation>", first)
        self.assertIn("<loadInformation>SIP41.9-4-2SR3-1S</loadInformation>", second)
        self.assertIn("<processNodeName>192.168.178.1</processNodeName>", second)
        self.assertIn("<authPassword>s3cret</authPassword>", second)

    def test_a_7960_with_the_users_firmware_gets_its_sip_files(self):
        done = run("--model", "7960", "--from", "P0S3-05-3-00", "--mac", "0080.41ae.fd7e",
                   "--server", "192.168.178.1", "--firmware", TESTDATA / "packages",
                   "--out", self.tmp)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("P0S3-05-3-00 -> P0S3-8-12-00, 3 steps", done.stdout)
        self.assertIn("(" + str(TESTDATA / "packages" / "P0S3-8-12-00.zip") + ")", done.stdout)
        last = self.tmp / "step-3"
        self.assertEqual(sorted(p.name for p in last.iterdir()),
                         ["OS79XX.TXT", "SEP008041AEFD7E.cnf.xml", "SIP008041AEFD7E.cnf",
                          "SIPDefault.cnf", "dialplan.xml"])
        self.assertIn("image_version: P0S3-8-12-00", (last / "SIPDefault.cnf").read_text())

    def test_a_template_of_the_user(self):
        done = run("--template", TESTDATA / "templates" / "7941-sip-fritzbox.cnf.xml",
                   "--out", self.tmp)
        self.assertEqual(done.returncode, 0, done.stderr)
        xml = (self.tmp / "step-2" / "SEP008041AEFD7E.cnf.xml").read_text()
        self.assertIn("FritzBox", xml)
        self.assertIn("<loadInformation>SIP41.9-4-2SR3-1S</loadInformation>", xml)

    def test_errors_exit_with_the_clis_codes(self):
        done = run("--from", "SCCP41.8-3")
        self.assertEqual(done.returncode, 3)
        self.assertIn("fwplan: error: from: 'SCCP41.8-3' is not a load ID", done.stderr)
        self.assertIn("[fwplan.load-id.malformed]", done.stderr)
        done = run("--model", "9971", "--from", "", "--to-protocol", "SCCP")
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn("[fwplan.plan.no-protocol]", done.stderr)
        # A library the user names is the only one tried (the build's is in the environment).
        done = run("--library", self.tmp / "libnothing.so")
        self.assertEqual(done.returncode, 4)
        self.assertIn("cannot load libfwplan_c: " + str(self.tmp / "libnothing.so"), done.stderr)


class AsAModule(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fwplan = fwplan_ctypes.Fwplan(fwplan_ctypes.load_library(LIBRARY))

    def test_inspect(self):
        doc = self.fwplan.inspect(TESTDATA / "packages" / "cmterm-7941_7961-sip.9-4-2SR3-1.zip")
        loads = [f for f in doc["files"] if f["kind"] == "loads"]
        self.assertEqual([f["load"] for f in loads], ["SIP41.9-4-2SR3-1S"])
        self.assertEqual(doc["errors"], [])

    def test_failures_are_exceptions_with_code_and_hint(self):
        with self.assertRaises(fwplan_ctypes.FwplanError) as caught:
            self.fwplan.inspect(TESTDATA / "hostile" / "zip-slip.zip")
        e = caught.exception
        self.assertEqual(e.status, fwplan_ctypes.BAD_INPUT)
        self.assertEqual(e.code, "fwplan.archive.path-traversal")
        self.assertIn("../evil.sbn", e.message)
        self.assertTrue(e.hint)
        with self.fwplan.planner() as planner:
            with self.assertRaises(fwplan_ctypes.FwplanError) as caught:
                planner.plan("8841", "sip88xx.14-2-1-0101-26", to="sip88xx.12-0-1MN-113",
                             hw_rev="V15")
        self.assertEqual(caught.exception.status, fwplan_ctypes.NOT_POSSIBLE)
        self.assertEqual(caught.exception.code, "fwplan.plan.below-floor")
        self.assertIn("H-02", caught.exception.message)

    def test_render_config_gives_name_and_bytes(self):
        name, xml = self.fwplan.render_config("7941", "SEP008041AEFD7E", "SCCP41.8-5-2S",
                                              settings={"server": "pbx.example"})
        self.assertEqual(name, "SEP008041AEFD7E.cnf.xml")
        self.assertIsInstance(xml, bytes)
        self.assertIn(b"<loadInformation>SCCP41.8-5-2S</loadInformation>", xml)


if __name__ == "__main__":
    unittest.main()
