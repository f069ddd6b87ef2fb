"""fwplan rollout (issue 11) on recorded logs: start, follow --once, status, the overrides.
The logs are written by rollout_logs.py in the shapes the TFTP servers write; the phones'
boots are the sequences docs/rollout.md describes. The end-to-end walk with real servers and
simulated phones is tests/e2e/test_rollout_e2e.py."""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import unittest
from pathlib import Path

import rollout_logs as logs
from clitest import FWPLAN, HOSTILE, HOSTILE_SHOWN, TESTDATA, CliTest, fwplan

PACKAGES = TESTDATA / "packages"
SCCP852 = PACKAGES / "cmterm-7941_7961-sccp.8-5-2.zip"
SIP942 = PACKAGES / "cmterm-7941_7961-sip.9-4-2SR3-1.zip"
MAC = "00:80:41:ae:fd:7e"
MAC2 = "00:80:41:ae:fd:7f"
MAC3 = "00:80:41:ae:fd:80"

# A kick that records what it was given: its argv, one line per call.
KICK_SCRIPT = """import sys
with open(sys.argv[1], "a") as f:
    f.write(" ".join(sys.argv[2:]) + "\\n")
"""


class Rollout(CliTest):
    def setUp(self):
        super().setUp()
        self.root = self.tmp / "tftp"
        self.root.mkdir()
        self.state = self.tmp / "state" / "rollout.sqlite"
        run = fwplan("stage", "--tftp-root", self.root, "--factory-default", "SIP41.9-4-2SR3-1S",
                     SCCP852, SIP942)
        self.assertExit(run, 0)
        self.kicks = self.tmp / "kicks.txt"
        (self.tmp / "kick.py").write_text(KICK_SCRIPT)

    def common(self):
        return ["--tftp-root", self.root, "--state", self.state]

    def start(self, *args, code=0):
        run = fwplan("rollout", "start", *self.common(), "--sip-server", "10.0.0.1", *args)
        self.assertExit(run, code)
        return run

    def start_one(self, mac=MAC):
        return self.start("--mac", mac, "--model", "7941", "--from", "SCCP41.8-3-1S")

    def write_fleet(self, *macs):
        csv = self.tmp / "fleet.csv"
        csv.write_text("mac,model,load\n" + "".join(f"{m},7941,SCCP41.8-3-1S\n" for m in macs))
        return csv

    def start_fleet(self, *macs, extra=()):
        return self.start("--fleet", self.write_fleet(*macs), *extra)

    def follow(self, log, *args, code=0, kick=True):
        path = self.tmp / "syslog"
        path.write_text(log.text())
        extra = ["--kick", f"{sys.executable} {self.tmp / 'kick.py'} {self.kicks} %m %i %l %s %n"] \
            if kick else []
        run = fwplan("--json", "rollout", "follow", *self.common(), "--log", path, "--once",
                     *extra, *args)
        self.assertExit(run, code)
        return [json.loads(line) for line in run.out.splitlines() if line.strip()]

    def status(self, *args):
        run = fwplan("--json", "rollout", "status", *self.common(), *args)
        self.assertExit(run, 0)
        return run.json()

    def phone(self, mac=MAC):
        for p in self.status()["phones"]:
            if p["mac"] == mac:
                return p
        self.fail(f"{mac} not in the rollout")

    def kick_lines(self):
        return self.kicks.read_text().splitlines() if self.kicks.exists() else []

    def sep(self, mac=MAC):
        return (self.root / ("SEP" + mac.replace(":", "").upper() + ".cnf.xml")).read_text()


class Start(Rollout):
    def test_start_puts_step_one_in_place_and_records_it(self):
        self.start_one()
        self.assertIn("<loadInformation>SCCP41.8-5-2S</loadInformation>", self.sep())
        p = self.phone()
        self.assertEqual((p["state"], p["step"], p["steps"], p["load"], p["target"]),
                         ("waiting", 1, 2, "SCCP41.8-3-1S", "SIP41.9-4-2SR3-1S"))
        # The state is the fleet's layout and its passwords: never readable by others.
        self.assertEqual(os.stat(self.state).st_mode & 0o077, 0)
        self.assertFalse(any(p.name.endswith("sqlite") for p in self.root.iterdir()))

    def test_missing_firmware_names_the_package_and_writes_nothing(self):
        bare = self.tmp / "bare"
        bare.mkdir()
        run = fwplan("--json", "rollout", "start", "--tftp-root", bare, "--state", self.state,
                     "--mac", MAC, "--model", "7941", "--from", "SCCP41.8-3-1S")
        self.assertExit(run, 1)
        doc = json.loads(run.out.split("\n}\n")[0] + "\n}")
        self.assertEqual(doc["started"], False)
        packages = {m["package"] for m in doc["missing"]}
        self.assertIn("cmterm-7941_7961-sccp.8-5-2.zip", packages)
        self.assertEqual(list(bare.iterdir()), [])
        self.assertFalse(self.state.exists())

    def test_state_inside_the_root_is_refused(self):
        run = fwplan("rollout", "start", "--tftp-root", self.root, "--state",
                     self.root / "x.sqlite", "--mac", MAC, "--model", "7941", "--from",
                     "SCCP41.8-3-1S")
        self.assertExit(run, 2)
        self.assertIn("TFTP client", run.err)

    def test_a_rollout_is_started_once(self):
        self.start_one()
        again = self.start("--mac", MAC2, "--model", "7941", "--from", "SCCP41.8-3-1S", code=1)
        self.assertIn("rollout.exists", again.err)

    def test_a_different_config_in_the_root_needs_force_and_is_kept(self):
        theirs = "<device><loadInformation>SCCP41.8-3-1S</loadInformation></device>\n"
        (self.root / "SEP008041AEFD7E.cnf.xml").write_text(theirs)
        self.start("--mac", MAC, "--model", "7941", "--from", "SCCP41.8-3-1S", code=1)
        self.assertEqual(self.sep(), theirs)
        self.assertFalse(self.state.exists())
        self.start("--mac", MAC, "--model", "7941", "--from", "SCCP41.8-3-1S", "--force")
        self.assertIn("SCCP41.8-5-2S", self.sep())
        self.assertExit(fwplan("stage", "--tftp-root", self.root, "--undo"), 0)
        self.assertEqual(self.sep(), theirs)


class Walk(Rollout):
    def test_two_step_walk_with_a_kick(self):
        self.start_one()
        log = logs.Log()
        logs.two_step_walk(log, MAC, "10.0.0.50")
        events = self.follow(log)
        p = self.phone()
        self.assertEqual((p["state"], p["step"], p["load"], p["ip"]),
                         ("done", 2, "SIP41.9-4-2SR3-1S", "10.0.0.50"))
        self.assertIn("<loadInformation>SIP41.9-4-2SR3-1S</loadInformation>", self.sep())
        states = [(e["from"], e["to"], e["step"]) for e in events]
        self.assertIn(("waiting", "fetching", 1), states)
        self.assertIn(("fetching", "settled", 1), states)
        self.assertEqual(states[-1][1:], ("done", 2))
        # One reset, for step 2, with every placeholder put in.
        self.assertEqual(self.kick_lines(),
                         ["008041AEFD7E 10.0.0.50 SIP41.9-4-2SR3-1S 2 SEP008041AEFD7E.cnf.xml"])

    def test_a_boot_logged_before_start_is_no_read_of_step_1(self):
        """The phone booted a minute before `rollout start` (it read the root as it was then):
        those lines change nothing, and no kick runs; its next boot is step 1's."""
        early = logs.Log(start=time.time() - 60)
        logs.boot(early, MAC, "10.0.0.50")
        self.start_one()
        later = logs.Log(start=time.time() + 300)
        later.other(dt=40)  # log time moves on far past the settle time
        early.lines += later.lines
        events = self.follow(early)
        p = self.phone()
        self.assertEqual((p["state"], p["step"], p["load"]), ("waiting", 1, "SCCP41.8-3-1S"))
        self.assertFalse(p["ip"])
        self.assertEqual(events, [])
        self.assertEqual(self.kick_lines(), [])

    def test_without_a_kick_the_phone_waits_for_a_person(self):
        self.start_one()
        log = logs.Log()
        logs.bridge_step(log, MAC, "10.0.0.50")
        self.follow(log, kick=False)
        p = self.phone()
        self.assertEqual((p["state"], p["step"]), ("needs-reset", 2))
        self.assertIn("power-cycle", p["reason"])
        self.assertIn("reset", p["next_action"])

    def test_a_replayed_log_changes_nothing_and_kicks_nobody_twice(self):
        self.start_one()
        log = logs.Log()
        logs.two_step_walk(log, MAC, "10.0.0.50")
        self.follow(log)
        before = self.status()
        kicks = self.kick_lines()
        # The same lines again, as a second follower (or a log replayed from the start) sees.
        (self.tmp / "syslog").rename(self.tmp / "syslog.old")
        again = self.follow(log)
        self.assertEqual(again, [])
        self.assertEqual(self.status()["phones"], before["phones"])
        self.assertEqual(self.kick_lines(), kicks)

    def test_every_server_format(self):
        for fmt in ("rfc3339", "dnsmasq", "atftpd", "journal-json"):
            with self.subTest(fmt=fmt):
                self.tearDown()
                self.setUp()
                self.start_one()
                log = logs.Log(fmt=fmt)
                logs.two_step_walk(log, MAC, "10.0.0.50")
                extra = ["--server-root", "/srv/tftp"] if fmt == "dnsmasq" else []
                self.follow(log, *extra)
                self.assertEqual(self.phone()["state"], "done")

    def test_the_auth_fail_loop_is_refused_with_the_fallback(self):
        self.start_one()
        log = logs.Log()
        for _ in range(3):  # the .loads again and again, no component after it
            logs.boot(log, MAC, "10.0.0.50", logs.SCCP852[0], [])
        self.follow(log)
        p = self.phone()
        self.assertEqual((p["state"], p["step"]), ("refused", 1))
        self.assertIn("SCCP41.8-5-2S.loads", p["reason"])

    def test_a_missing_component_fails_the_phone_naming_it(self):
        self.start_one()
        log = logs.Log()
        logs.boot(log, MAC, "10.0.0.50", logs.SCCP852[0], [])
        log.request("10.0.0.50", "jar41sccp.8-5-2TH1-9.sbn", found=False)
        self.follow(log)
        p = self.phone()
        self.assertEqual(p["state"], "failed")
        self.assertIn("jar41sccp.8-5-2TH1-9.sbn", p["reason"])

    def test_a_missing_itl_file_is_normal(self):
        self.start_one()
        log = logs.Log()
        logs.boot(log, MAC, "10.0.0.50", *logs.SCCP852)  # CTLSEP and ITLSEP are NAKed
        self.follow(log)
        self.assertEqual(self.phone()["state"], "fetching")

    def test_stuck_after_silence_and_back_on_the_next_request(self):
        self.start_one()
        log = logs.Log()
        logs.boot(log, MAC, "10.0.0.50", logs.SCCP852[0], logs.SCCP852[1][:2])
        log.other(dt=120)
        self.follow(log, "--stuck-after", "60")
        self.assertEqual(self.phone()["state"], "stuck")
        later = logs.Log(start=log.now + 5)
        for name in logs.SCCP852[1][2:]:
            later.request("10.0.0.50", name)
        later.lines = log.lines + later.lines
        self.follow(later, "--stuck-after", "60")
        self.assertEqual(self.phone()["state"], "fetching")

    def test_a_file_name_a_tftp_client_chose_is_printed_escaped(self):
        # Anyone on the network picks the names in RRQ lines; a reason quotes one ("the phone
        # is back: it asked for …"). Text output escapes it; JSON carries it as data.
        self.start_one()
        log = logs.Log()
        logs.boot(log, MAC, "10.0.0.50", *logs.SCCP852)
        log.other(dt=120)  # stuck after 60 s
        log.request("10.0.0.50", f"evil{HOSTILE}\udcff.txt")  # \udcff: the byte 0xFF
        path = self.tmp / "syslog"
        path.write_bytes(log.text().encode("utf-8", "surrogateescape"))
        shown = f"it asked for evil{HOSTILE_SHOWN}\\xff.txt"
        follow = fwplan("rollout", "follow", *self.common(), "--log", path, "--once",
                        "--stuck-after", "60")
        status = fwplan("rollout", "status", *self.common(), "--mac", MAC)
        for run in (follow, status):
            self.assertExit(run, 0)
            self.assertEscaped(run.out, shown)
        data = self.status("--mac", MAC)
        self.assertIn(f"it asked for evil{HOSTILE}", data["timeline"][-1]["reason"])

    def test_an_ip_that_moves_follows_the_latest_config_request(self):
        self.start_fleet(MAC, MAC2)
        log = logs.Log()
        # MAC takes .50 first, then MAC2 is given .50 (DHCP churn) and boots from it.
        logs.boot(log, MAC, "10.0.0.50", logs.SCCP852[0], [])
        logs.boot(log, MAC2, "10.0.0.50", *logs.SCCP852)
        self.follow(log)
        self.assertEqual(self.phone(MAC2)["state"], "fetching")
        self.assertEqual(self.phone(MAC)["state"], "fetching")
        timeline = self.status("--mac", MAC)["timeline"]
        # MAC2's components were never attributed to MAC.
        self.assertFalse(any("component" in t["reason"] for t in timeline))

    def test_two_phones_interleaved_each_walk_their_own(self):
        self.start_fleet(MAC, MAC2)
        a, b = logs.Log(), logs.Log()
        logs.two_step_walk(a, MAC, "10.0.0.50")
        logs.two_step_walk(b, MAC2, "10.0.0.51")
        # One server's log: the two phones' lines merged in time order.
        merged = logs.Log()
        pairs = sorted(zip(self._times(a) + self._times(b), a.lines + b.lines))
        merged.lines = [line for _, line in pairs]
        self.follow(merged)
        self.assertEqual(self.phone(MAC)["state"], "done")
        self.assertEqual(self.phone(MAC2)["state"], "done")

    @staticmethod
    def _times(log):
        import time as t
        year = t.localtime().tm_year
        return [t.mktime(t.strptime(f"{year} " + line[:15], "%Y %b %d %H:%M:%S"))
                for line in log.lines]


class Overrides(Rollout):
    def test_hold_retry_advance(self):
        self.start_one()
        run = fwplan("--json", "rollout", "hold", *self.common(), "--mac", MAC)
        self.assertExit(run, 0)
        self.assertTrue(self.phone()["held"])
        log = logs.Log()
        logs.bridge_step(log, MAC, "10.0.0.50")
        self.follow(log)
        p = self.phone()
        self.assertEqual((p["state"], p["step"]), ("settled", 1))  # held: not advanced
        self.assertExit(fwplan("rollout", "retry", *self.common(), "--mac", MAC), 0)
        self.assertEqual(self.phone()["step"], 2)  # released: its next config went in
        self.assertIn("SIP41.9-4-2SR3-1S", self.sep())
        # The last step by hand marks it done, and says so.
        self.assertExit(fwplan("rollout", "advance", *self.common(), "--mac", MAC), 0)
        self.assertEqual(self.phone()["state"], "done")
        origins = {t["origin"] for t in self.status("--mac", MAC)["timeline"]}
        self.assertIn("command", origins)

    def test_an_override_that_does_nothing_says_so(self):
        self.start_one()
        run = fwplan("rollout", "retry", *self.common(), "--mac", MAC)
        self.assertExit(run, 1)
        self.assertIn("changes nothing", run.err)
        unknown = fwplan("rollout", "hold", *self.common(), "--mac", "00:11:22:33:44:55")
        self.assertExit(unknown, 3)

    def test_abort_ends_the_rollout(self):
        self.start_one()
        self.assertExit(fwplan("rollout", "abort", *self.common()), 0)
        self.assertTrue(self.status()["aborted"])
        log = logs.Log()
        logs.boot(log, MAC, "10.0.0.50", *logs.SCCP852)
        path = self.tmp / "syslog"
        path.write_text(log.text())
        run = fwplan("rollout", "follow", *self.common(), "--log", path, "--once")
        self.assertExit(run, 1)
        self.assertIn("aborted", run.err)
        # A new rollout may start over an aborted one.
        self.start_one()


class CheckDuringARollout(Rollout):
    """`fwplan check ROOT --fleet CSV` while a rollout walks the phones: the CSV names the load
    each phone started from, the root holds the config of the step it is on now."""

    def check(self, *args):
        return fwplan("--json", "check", self.root, "--fleet", self.tmp / "fleet.csv", *args)

    def roots_own_state(self):
        """Where a rollout of self.root started without --state keeps it (docs/rollout.md):
        under /var/lib/fwplan, named after the root. Skips the test where that is not
        writable; removed again after it."""
        default = Path("/var/lib/fwplan") / (
            "-".join(Path(os.path.realpath(self.root)).parts[1:]) + ".rollout.sqlite")
        if not os.access(default.parent if default.parent.exists() else "/var/lib", os.W_OK):
            self.skipTest(f"{default.parent} is not writable here")
        self.addCleanup(lambda: [Path(str(default) + suffix).unlink(missing_ok=True)
                                 for suffix in ("", "-wal", "-shm", ".lock")])
        return default

    def codes(self, run):
        return [(f["severity"], f["code"]) for f in run.json()["findings"]
                if f["code"] in ("fwplan.check.config-unreachable", "fwplan.check.rollout-loads")]

    def test_a_phone_on_step_2_is_checked_at_the_load_it_runs_now(self):
        self.start_fleet(MAC, MAC2)
        log = logs.Log()
        logs.bridge_step(log, MAC, "10.0.0.50")  # MAC settles on step 1 (8.5(2))
        self.follow(log, kick=False)
        self.assertEqual((self.phone()["step"], self.phone()["load"]), (2, "SCCP41.8-5-2S"))
        self.assertIn("SIP41.9-4-2SR3-1S", self.sep())
        # From the CSV alone (8.3(1)), step 2's config reads as a jump the phone cannot take.
        alone = self.check()
        self.assertExit(alone, 1)
        self.assertEqual(self.codes(alone), [("error", "fwplan.check.config-unreachable")])
        # With the rollout's state: the phone runs 8.5(2), which takes step 2; MAC2, still
        # on step 1, is checked as before. One info says where the loads came from.
        run = self.check("--state", self.state)
        self.assertExit(run, 0)
        self.assertEqual(self.codes(run), [("info", "fwplan.check.rollout-loads")])
        (note,) = [f for f in run.json()["findings"] if f["code"] == "fwplan.check.rollout-loads"]
        self.assertIn("2 phones are checked at the load the rollout says it runs now",
                      note["message"])

    def test_the_roots_own_rollout_is_found_without_state(self):
        # A rollout started without --state keeps it under /var/lib/fwplan (docs/rollout.md);
        # `check --fleet` of that root finds it by itself.
        self.state = default = self.roots_own_state()
        run = fwplan("rollout", "start", "--tftp-root", self.root, "--sip-server", "10.0.0.1",
                     "--fleet", self.write_fleet(MAC))
        self.assertExit(run, 0)
        self.assertTrue(default.exists(), run)
        log = logs.Log()
        logs.bridge_step(log, MAC, "10.0.0.50")
        self.follow(log, kick=False)
        run = self.check()
        self.assertExit(run, 0)
        self.assertEqual(self.codes(run), [("info", "fwplan.check.rollout-loads")])

    def test_an_unreadable_state_of_the_root_is_a_warning_not_a_failure(self):
        # The root's own state is found by name (/var/lib/fwplan, mode 0600): a user who may
        # not read it, or a damaged one, still gets the check, at the CSV's loads.
        default = self.roots_own_state()
        default.parent.mkdir(parents=True, exist_ok=True)
        default.write_bytes(b"not a database\n")
        self.write_fleet(MAC)
        run = self.check()
        self.assertExit(run, 0)
        self.assertIn("the rollout state of this root cannot be read", run.err)
        self.assertEqual(self.codes(run), [])

    def test_a_phone_advanced_by_hand_past_a_step_it_never_ran_is_still_an_error(self):
        # `advance` puts step 2 in place, but the rollout never saw the phone run step 1's
        # load: it still runs 8.3(1), and step 2 is a jump it cannot take.
        self.start_fleet(MAC)
        self.assertExit(fwplan("rollout", "advance", *self.common(), "--mac", MAC), 0)
        run = self.check("--state", self.state)
        self.assertExit(run, 1)
        self.assertIn(("error", "fwplan.check.config-unreachable"), self.codes(run))

    def test_a_state_that_holds_no_rollout_is_an_error_and_state_needs_fleet(self):
        self.start_fleet(MAC)
        run = self.check("--state", self.tmp / "no-such.sqlite")
        self.assertExit(run, 1)  # as `rollout status` of it: not possible
        self.assertIn("fwplan.rollout.none", run.err)
        run = fwplan("check", self.root, "--state", self.state)
        self.assertExit(run, 2)
        self.assertIn("--state requires --fleet", run.err)


class Waves(Rollout):
    def test_one_phone_at_a_time(self):
        self.start_fleet(MAC, MAC2, MAC3, extra=("--wave", "1"))
        phones = {p["mac"]: p for p in self.status()["phones"]}
        self.assertEqual(phones[MAC]["step"], 1)
        self.assertEqual((phones[MAC2]["step"], phones[MAC2]["state"]), (0, "settled"))
        self.assertFalse((self.root / "SEP008041AEFD7F.cnf.xml").exists())
        log = logs.Log()
        logs.two_step_walk(log, MAC, "10.0.0.50")
        self.follow(log)
        phones = {p["mac"]: p for p in self.status()["phones"]}
        self.assertEqual(phones[MAC]["state"], "done")
        # Its slot went to the next phone, in start order; the third still waits.
        self.assertEqual(phones[MAC2]["step"], 1)
        self.assertTrue((self.root / "SEP008041AEFD7F.cnf.xml").exists())
        self.assertEqual(phones[MAC3]["step"], 0)


class Crashes(Rollout):
    """The follower killed with SIGKILL after every transition of a recorded rollout, then
    started again: the same end state, no phone advanced twice or lost."""

    def test_kill_at_every_transition(self):
        log = logs.Log()
        for i, mac in enumerate((MAC, MAC2)):
            logs.two_step_walk(log, mac, f"10.0.0.{50 + i}")
        path = self.tmp / "syslog"
        path.write_text(log.text())

        def fresh():
            if self.state.exists():
                for suffix in ("", "-wal", "-shm", ".lock"):
                    p = self.state.parent / (self.state.name + suffix)
                    if p.exists():
                        p.unlink()
            for name in ("SEP008041AEFD7E.cnf.xml", "SEP008041AEFD7F.cnf.xml"):
                (self.root / name).unlink(missing_ok=True)
            for p in self.root.glob(".fwplan-*"):
                subprocess.run(["rm", "-rf", str(p)], check=True)
            if self.kicks.exists():
                self.kicks.unlink()
            self.start_fleet(MAC, MAC2)

        def run_follow():
            return fwplan("--json", "rollout", "follow", *self.common(), "--log", path,
                          "--once", "--kick",
                          f"{sys.executable} {self.tmp / 'kick.py'} {self.kicks} %m %s")

        fresh()
        clean = run_follow()
        self.assertExit(clean, 0)
        transitions = len(clean.out.splitlines())
        want = self.status()["phones"]
        self.assertTrue(all(p["state"] == "done" for p in want))
        self.assertGreater(transitions, 6)

        for k in range(1, transitions + 1):
            with self.subTest(kill_after=k):
                fresh()
                proc = subprocess.Popen(
                    [FWPLAN, "--json", "rollout", "follow", *map(str, self.common()), "--log",
                     str(path), "--once", "--kick",
                     f"{sys.executable} {self.tmp / 'kick.py'} {self.kicks} %m %s"],
                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
                seen = 0
                for _ in proc.stdout:
                    seen += 1
                    if seen >= k:
                        proc.send_signal(signal.SIGKILL)
                        break
                proc.wait(timeout=60)
                proc.stdout.close()
                rerun = run_follow()
                self.assertExit(rerun, 0)
                got = self.status()["phones"]
                for a, b in zip(got, want):
                    for key in ("state", "step", "load", "ip"):
                        self.assertEqual(a[key], b[key], (k, key, a, b))
                # Every step advanced exactly once: one write of each step's config per phone.
                db = sqlite3.connect(self.state)
                for mac in (MAC, MAC2):
                    steps = [r[0] for r in db.execute(
                        "SELECT step FROM transitions WHERE mac = ? AND step != step_from "
                        "AND origin != 'start' ORDER BY id", (mac,))]
                    self.assertEqual(steps, [2], (k, mac, steps))
                db.close()


if __name__ == "__main__":
    unittest.main()
