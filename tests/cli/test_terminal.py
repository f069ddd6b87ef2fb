"""Terminal manners (issue 7): a progress bar and colour only on a terminal, never with
--json or --quiet, no colour with NO_COLOR; piped output stays plain."""
import os
import pty
import select
import subprocess
import unittest

from clitest import FWPLAN, TESTDATA, CliTest, fwplan

PACKAGES = [TESTDATA / "packages" / "cmterm-7941_7961-sip.9-4-2SR3-1.zip",
            TESTDATA / "packages" / "cmterm-7942_7962-sip.9-4-2SR3-1.zip"]


def run_on_terminal(args, env_extra=None):
    """Runs fwplan with stdout and stderr on a pseudo-terminal; returns what it printed."""
    master, slave = pty.openpty()
    env = dict(os.environ, FWPLAN_PROGRESS_AFTER_MS="0", TERM="xterm")
    env.pop("NO_COLOR", None)
    env.update(env_extra or {})
    proc = subprocess.Popen([FWPLAN, *map(str, args)], stdin=subprocess.DEVNULL, stdout=slave,
                            stderr=slave, env=env)
    os.close(slave)
    output = b""
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    os.close(master)
    proc.wait(timeout=30)
    return proc.returncode, output.decode(errors="replace")


class Terminal(CliTest):
    def stage_args(self, *extra):
        root = self.tmp / "root"
        root.mkdir(exist_ok=True)
        return ["stage", "--tftp-root", root, *extra, *PACKAGES]

    def test_progress_bar_on_a_terminal(self):
        code, output = run_on_terminal(self.stage_args())
        self.assertEqual(code, 0, output)
        self.assertIn("staging [", output)
        self.assertIn("100%", output)
        self.assertIn("\x1b[2K", output)  # the bar is cleared before the report

    def test_no_progress_when_piped_quiet_or_json(self):
        piped = fwplan(*self.stage_args(), env={"FWPLAN_PROGRESS_AFTER_MS": "0"})
        self.assertExit(piped, 0)
        self.assertNotIn("staging [", piped.err + piped.out)
        self.assertNotIn("\x1b[", piped.err + piped.out)
        for flag in ("--json", "--quiet"):
            (self.tmp / "root").exists() and subprocess.run(["rm", "-rf", self.tmp / "root"])
            code, output = run_on_terminal([flag, *self.stage_args()])
            self.assertEqual(code, 0, output)
            self.assertNotIn("staging [", output, flag)

    def test_colour_only_on_a_terminal_and_never_with_no_color(self):
        code, output = run_on_terminal(["catalog", "--model", "7999"])
        self.assertEqual(code, 3)
        self.assertIn("\x1b[1;31merror:", output)
        code, output = run_on_terminal(["catalog", "--model", "7999"], {"NO_COLOR": "1"})
        self.assertEqual(code, 3)
        self.assertNotIn("\x1b[", output)
        self.assertIn("fwplan: error:", output)
        piped = fwplan("catalog", "--model", "7999")
        self.assertNotIn("\x1b[", piped.err)

    def test_quiet_and_verbose(self):
        quiet = fwplan("-q", "plan", "-m", "7941", "--from", "SCCP41.8-3-1S")
        self.assertExit(quiet, 0)
        self.assertEqual(quiet.err, "")
        verbose = fwplan("-v", "plan", "-m", "7941", "--from", "SCCP41.8-3-1S", "--firmware", PACKAGES[0])
        self.assertExit(verbose, 0)
        self.assertIn("fwplan: knowledge: ", verbose.err)
        self.assertIn("found SIP41.9-4-2SR3-1S", verbose.err)

    def test_errors_say_what_to_do_next(self):
        for args in (("plan", "-m", "7941", "--from", "SIP42.8-5-4S"),
                     ("inspect", TESTDATA / "hostile" / "zip-slip.zip"),
                     ("plan", "-m", "7941", "--from", "SCCP41.8-3-1S", "--to", "SIP41.9-9-9S"),
                     ("bogus",)):
            run = fwplan(*args)
            self.assertNotEqual(run.code, 0)
            self.assertIn("fwplan: error:", run.err)
            if args[0] != "inspect":  # a hostile zip explains itself; nothing to do but not use it
                self.assertIn("fwplan: hint:", run.err, msg=repr(run))


if __name__ == "__main__":
    unittest.main()
