"""Every command of docs/guide.md runs against the testdata (issue 7: the guide cannot rot).

The `sh` blocks of the guide are run in order, in one scratch "home": `~/Downloads` holds a
copy of testdata/packages (the zips the guide names exist there under the same names),
`/srv/tftp` is an empty scratch folder, `testdata/` is the repository's. A command that ends
with `# exits N` must exit with N; every other command must exit 0.

`fwplan rollout` gets a scratch `--state` (not /var/lib/fwplan), and `/var/log/syslog` is a
recorded log of what the guide says happens: the 7941 reset by hand, installing SCCP 8.5(2),
rebooting, reset by hand again, installing SIP 9.4(2)SR3 (tests/cli/rollout_logs.py). So
`follow` must walk the phone to its target and end by itself."""
import json
import os
import re
import shlex
import shutil
import subprocess
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

import rollout_logs
from clitest import FWPLAN, SOURCE_DIR, TESTDATA, CliTest

GUIDE = SOURCE_DIR / "docs" / "guide.md"


def sh_commands(text):
    """The commands of the ```sh blocks, in order, with their expected exit codes."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            expected = 0
            match = re.search(r"#\s*exits\s+(\d+)\s*$", line)
            if match:
                expected = int(match.group(1))
            commands.append((line, expected))
    return commands


class Guide(CliTest):
    def test_guide_has_commands(self):
        commands = [c for c, _ in sh_commands(GUIDE.read_text())]
        self.assertGreaterEqual(len(commands), 10)
        for verb in ("plan", "inspect", "stage", "emit", "check"):
            self.assertTrue(any(c.startswith(f"fwplan {verb}") for c in commands), verb)

    def test_every_command_runs(self):
        home = self.tmp / "home"
        shutil.copytree(TESTDATA / "packages", home / "Downloads")
        (home / "srv" / "tftp").mkdir(parents=True)
        os.symlink(TESTDATA, home / "testdata")
        bin_dir = self.tmp / "bin"
        bin_dir.mkdir()
        (bin_dir / "fwplan").symlink_to(Path(FWPLAN).resolve())
        env = dict(os.environ, HOME=str(home), PATH=f"{bin_dir}:{os.environ['PATH']}")
        env.pop("NO_COLOR", None)
        state = self.tmp / "state" / "rollout.sqlite"
        state.parent.mkdir()
        syslog = self.tmp / "syslog"
        walk = rollout_logs.Log(fmt="rfc3339")
        rollout_logs.two_step_walk(walk, "00:80:41:ae:fd:7e", "192.168.178.50")
        syslog.write_text(walk.text())
        for command, expected in sh_commands(GUIDE.read_text()):
            runnable = command.replace("/srv/tftp", str(home / "srv" / "tftp"))
            runnable = runnable.replace("/var/log/syslog", str(syslog))
            runnable = re.sub(r"^fwplan rollout (\w+)", rf"fwplan rollout \1 --state {state}", runnable)
            with self.subTest(command=command):
                done = subprocess.run(["bash", "-c", runnable], cwd=home, env=env,
                                      capture_output=True, text=True, timeout=120)
                self.assertEqual(done.returncode, expected,
                                 msg=f"$ {command}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}")
        # The story ends where the guide says: both step configs exist and the root is clean
        # of errors after staging.
        configs = home / "phone-configs"
        self.assertTrue((configs / "step-1-SCCP41.8-5-2S" / "SEP008041AEFD7E.cnf.xml").is_file())
        self.assertTrue((configs / "step-2-SIP41.9-4-2SR3-1S" / "SEP008041AEFD7E.cnf.xml").is_file())
        self.assertTrue((home / "srv" / "tftp" / "SEP008041AEFD7E.cnf.xml").is_file())
        # ... and the walk ended on the target: step 2's config in the root, the phone done.
        sep = (home / "srv" / "tftp" / "SEP008041AEFD7E.cnf.xml").read_text()
        self.assertIn("<loadInformation>SIP41.9-4-2SR3-1S</loadInformation>", sep)
        status = subprocess.run([FWPLAN, "--json", "rollout", "status", "--tftp-root",
                                 home / "srv" / "tftp", "--state", state],
                                capture_output=True, text=True, timeout=60)
        (phone,) = json.loads(status.stdout)["phones"]
        self.assertEqual((phone["state"], phone["load"]), ("done", "SIP41.9-4-2SR3-1S"))
        self.check_the_fritzbox_config(home, configs, env)

    def check_the_fritzbox_config(self, home, configs, env):
        """Issue 13: the guide yields the config a 7941 on a FritzBox in Germany needs."""
        step2 = configs / "step-2-SIP41.9-4-2SR3-1S"
        sep = ET.parse(step2 / "SEP008041AEFD7E.cnf.xml").getroot()
        self.assertEqual(sep.findtext("deviceProtocol"), "SIP")
        self.assertEqual(sep.findtext("loadInformation"), "SIP41.9-4-2SR3-1S")
        when = sep.find("devicePool/dateTimeSetting")
        self.assertEqual(when.findtext("timeZone"), "W. Europe Standard/Daylight Time")
        self.assertEqual(when.findtext("ntps/ntp/name"), "192.168.178.1")
        self.assertEqual(sep.findtext("devicePool/callManagerGroup/members/member/callManager/"
                                      "processNodeName"), "192.168.178.1")
        line = sep.find("sipProfile/sipLines/line[@button='1']")
        self.assertEqual(line.findtext("name"), "620")
        self.assertEqual(line.findtext("authName"), "620")  # the FritzBox's Benutzername twice
        self.assertEqual(line.findtext("authPassword"), "K7w2p9Qz")
        self.assertEqual(line.findtext("messagesNumber"), "**600")
        speed = sep.find("sipProfile/sipLines/line[@button='2']")
        self.assertEqual(speed.findtext("speedDialNumber"), "**610")
        # The dial plan it names, German rules, in the step folder and in the TFTP root.
        self.assertEqual(sep.findtext("sipProfile/dialTemplate"), "dialplan.xml")
        german = (TESTDATA / "templates" / "dialplan-de.xml").read_bytes()
        self.assertEqual((step2 / "dialplan.xml").read_bytes(), german)
        self.assertEqual((home / "srv" / "tftp" / "dialplan.xml").read_bytes(), german)
        # No XMLDefault that sends factory-fresh phones to a load they cannot take.
        self.assertTrue((configs / "step-1-SCCP41.8-5-2S" / "XMLDefault.cnf.xml").is_file())
        self.assertFalse((step2 / "XMLDefault.cnf.xml").exists())
        # A reset phone gets the bridge (point 4): the root's term files stand for it.
        check = subprocess.run([FWPLAN, "--json", "check", home / "srv" / "tftp"], env=env,
                               capture_output=True, text=True, timeout=120)
        findings = json.loads(check.stdout)["findings"]
        self.assertFalse([f for f in findings if f["severity"] == "error"], findings)
        mismatch = [f for f in findings if f["code"] == "fwplan.check.term-config-mismatch"]
        self.assertTrue(mismatch)
        self.assertTrue(all("installs SCCP41.8-5-2S" in f["message"] for f in mismatch), mismatch)

    def test_the_factory_default_the_guide_gives_is_one_a_factory_phone_takes(self):
        # Point 4: every --factory-default the guide shows names a load a 7941 on its
        # factory load 8.3(1) installs in one step: the bridge, never the SIP target.
        defaults = {m.group(1) for c, _ in sh_commands(GUIDE.read_text())
                    for m in re.finditer(r"--factory-default (\S+)", c)}
        self.assertTrue(defaults)
        for load in defaults:
            plan = subprocess.run([FWPLAN, "--json", "plan", "--model", "7941", "--from",
                                   "SCCP41.8-3-1S", "--to", load], capture_output=True, text=True,
                                  timeout=60)
            self.assertEqual(len(json.loads(plan.stdout)["steps"]), 1, msg=load)
        text = GUIDE.read_text()
        self.assertNotIn("the SIP target is the right answer", text)
        # Which FritzBox field goes where.
        self.assertRegex(text, r"Benutzername[^.]*--line-name[^.]*--auth-name")

    def test_the_bad_rows_the_guide_counts_are_the_example_csv_s(self):
        # Point 8: the guide said two; the file has four.
        words = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
        said = re.search(r"The example file has (\w+) such\s+rows", GUIDE.read_text())
        self.assertIsNotNone(said)
        run = subprocess.run([FWPLAN, "--json", "emit", "--fleet",
                              TESTDATA / "fleet" / "example-fleet.csv", "--out", self.tmp / "o"],
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, 1)
        report = json.loads(run.stdout)
        self.assertEqual(words[said.group(1)], report["failed_rows"])
        # Point 14: each failed row says what to do about it.
        self.assertTrue(all(row["hint"] for row in report["failed"]), report["failed"])


if __name__ == "__main__":
    unittest.main()
