"""`fwplan rollout` end to end, unattended (issue 11, "Tests that must exist"): the real CLI
walks simulated phones (device.py) through their chains against real TFTP servers, reading
the servers' own logs, and resets them with `--kick 'python3 kick_phone.py %i'`.

Each test: stage firmware with `fwplan stage` from testdata/packages (the packages `fwplan
rollout start` names as missing), `fwplan rollout start`, `fwplan rollout follow` in the
background, then the phones are powered up (the person who starts a walk resets or powers up
the phones for step 1: fwplan learns a phone's IP from its first config request, and its
kick, which needs `%i`, resets it for every later step). The test then waits, bounded in
time, until the follower exits by itself (every phone done, refused or failed), and asserts
what the phones did, what the log shows, and what `fwplan rollout status --json` says.
Nothing here imports fwplan's code: the phones keep their own rules.

Run by ctest as e2e.rollout (needs root, tftpd-hpa, rsyslog, dnsmasq and FWPLAN); by hand:
    FWPLAN=../../build/dev/tools/fwplan/fwplan FWPLAN_SOURCE_DIR=../.. \\
        python3 -m unittest -v test_rollout_e2e
"""
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET
from contextlib import ExitStack
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from device import IDLE, REFUSING, Fleet  # noqa: E402
from dnsmasq_server import DnsmasqTftp  # noqa: E402
from process_group import stop_group  # noqa: E402
from syslog_server import SyslogServer  # noqa: E402
from tftp_server import TftpServer  # noqa: E402

FWPLAN = os.environ.get("FWPLAN")
SOURCE_DIR = Path(os.environ.get("FWPLAN_SOURCE_DIR", HERE.parents[1]))
PACKAGES = SOURCE_DIR / "testdata" / "packages"
TMP_ROOT = Path(os.environ.get("FWPLAN_TEST_TMPDIR", tempfile.gettempdir())) / "e2e"
KICK = HERE / "kick_phone.py"
KICK_COMMAND = f"{sys.executable} {KICK} %i --timeout 3"
SIP_SERVER = "127.0.0.1"  # the PBX the configs name (nothing listens: no phone registers)

# Phone times (seconds). A real 79xx takes ~36 s to fetch and flash a load (rollout.md §3).
# FAST is for logs with microsecond timestamps (rsyslog RFC 3339). Classic syslog timestamps
# (Debian 12's rsyslog default, and dnsmasq's own file) are whole seconds: with FLASH_CLASSIC
# the requests of two boots of one phone fall in different seconds, as they always do for a
# real phone (see the report of this branch: fwplan takes a second, identical request within
# the same second for a replayed line).
FAST = dict(flash_time=0.1, reboot_time=0.02, retry_interval=0.15, tftp_timeout=0.5,
            lifetime=60.0)
FLASH_CLASSIC = dict(FAST, flash_time=1.0)
WALK_TIMEOUT = 30.0  # one phone's walk (a bug makes the follower run on: the test fails then)
FLEET_TIMEOUT = 45.0

# The quiet fwplan waits after a phone's last request, its config read and no .loads asked
# for, before the phone counts as settled (default 30 s): short here, and well above the gap
# between two requests of one boot on this machine, CI's load included.
SETTLE = "2"

MAC = "008041AEFD7E"
MAC_TEXT = "00:80:41:ae:fd:7e"
SEP = f"SEP{MAC}.cnf.xml"
TRUST = [f"CTLSEP{MAC}.tlv", f"ITLSEP{MAC}.tlv", "ITLFile.tlv"]
COMPONENTS_SCCP41_852 = ["jar41sccp.8-5-2TH1-9.sbn", "cnu41.8-5-2TH1-9.sbn", "apps41.8-5-2TH1-9.sbn",
                         "dsp41.8-5-2TH1-9.sbn", "cvm41sccp.8-5-2TH1-9.sbn"]
COMPONENTS_SIP41_942SR3 = ["jar41sip.9-4-2ES26.sbn", "cnu41.9-4-2ES26.sbn", "apps41.9-4-2ES26.sbn",
                           "dsp41.9-4-2ES26.sbn", "cvm41sip.9-4-2ES26.sbn"]
COMPONENTS_SIP41_852SR1 = ["jar41sip.8-5-2ES2.sbn", "cnu41.8-5-2ES2.sbn", "apps41.8-5-2ES2.sbn",
                           "dsp41.8-5-2ES2.sbn", "cvm41sip.8-5-2ES2.sbn"]
# The 7941's walk with `fwplan rollout` on a root fwplan wrote (its SEP file names a locale,
# so the SIP phone asks for that locale's JAR and the dial plan after it: phone-files.md §7.1):
# power-up on step 1, flash, reboot (SCCP: nothing after the config), the kick, step 2,
# flash, reboot, the files a SIP phone asks for after its config.
AFTER_SIP_CONFIG = ["English_United_States/mk-sip.jar", "dialplan.xml"]
WALK_7941 = (TRUST + [SEP, "SCCP41.8-5-2S.loads"] + COMPONENTS_SCCP41_852 + TRUST + [SEP]
             + TRUST + [SEP, "SIP41.9-4-2SR3-1S.loads"] + COMPONENTS_SIP41_942SR3 + TRUST + [SEP]
             + AFTER_SIP_CONFIG)

# What `fwplan rollout status --json` promises per phone (issue 11; docs/architecture.md: a contract).
CONTRACT_FIELDS = {"mac", "model", "ip", "step", "steps", "load", "target", "state", "since",
                   "reason"}
STATES = {"waiting", "fetching", "settled", "needs-reset", "done", "stuck", "refused", "failed"}

# rollout.md §2: the lines the servers write (matched here, not with fwplan's readers).
TFTPD_RRQ = re.compile(r"in\.tftpd\[\d+\]: RRQ from (?P<ip>\S+) filename (?P<name>\S+)$")
DNSMASQ_LINE = re.compile(r"dnsmasq-tftp\[\d+\]: (?:sent (?P<sent>\S+) to (?P<ip1>\S+)|"
                          r"file (?P<missing>\S+) not found for (?P<ip2>\S+))$")
CLASSIC_STAMP = re.compile(r"^[A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d ")
RFC3339_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d ")


def tftpd_names(lines, ip):
    """The file names `ip` asked tftpd-hpa for, in order (its RRQ lines)."""
    return [m["name"] for m in map(TFTPD_RRQ.search, lines) if m and m["ip"] == ip]


def dnsmasq_names(lines, ip, root):
    """The names `ip` got (sent) or was refused (not found) by dnsmasq, as asked."""
    names = []
    for match in map(DNSMASQ_LINE.search, lines):
        if match and ip in (match["ip1"], match["ip2"]):
            path = match["sent"] or match["missing"]
            names.append(path[len(f"{root}/"):] if path.startswith(f"{root}/") else path)
    return names


def config_of(root, mac):
    """(deviceProtocol, loadInformation) of the SEP file in the root."""
    device = ET.parse(Path(root) / f"SEP{mac}.cnf.xml").getroot()
    return device.findtext("deviceProtocol"), device.findtext("loadInformation")


def parse_since(text):
    """`since` of status --json: ISO 8601 UTC with milliseconds, `2026-12-01T19:43:18.837Z`."""
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


class Follower:
    """`fwplan --json rollout follow ...` in the background (its own process group, so the
    kicks it runs go with it); stopped on exit (SIGTERM, then SIGKILL), whatever happened."""

    def __init__(self, folder, args):
        self.folder = Path(folder)
        self.argv = [FWPLAN, "--json", "rollout", "follow", *map(str, args)]
        self.process = None
        self.stdout_path = self.folder / "follow.jsonl"
        self.stderr_path = self.folder / "follow.err"

    def __enter__(self):
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=out,
                                            stderr=err, start_new_session=True)
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def stop(self, sig=signal.SIGTERM):
        stop_group(self.process, sig)

    def wait(self, timeout):
        """Its exit code, or None if it still runs after `timeout` seconds."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def events(self):
        """The JSON events it printed, one per transition (issue 11: --json)."""
        text = self.stdout_path.read_text(encoding="utf-8") if self.stdout_path.exists() else ""
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def stderr(self):
        return self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""


@unittest.skipUnless(FWPLAN, "set FWPLAN to the fwplan binary (ctest does)")
class RolloutTest(unittest.TestCase):
    """A test's folder (the TFTP root, the rollout's state outside it, the servers' logs),
    fwplan, the servers and phones, all stopped at the end, whatever happened."""

    def setUp(self):
        if os.geteuid() != 0:
            self.fail("the rollout end-to-end tests need root (in.tftpd --secure chroots, "
                      "the phones listen on port 80, dnsmasq on 69): run them as root, or "
                      "leave them out with ctest -LE e2e")
        TMP_ROOT.mkdir(parents=True, exist_ok=True)
        self._tmp = tempfile.TemporaryDirectory(dir=TMP_ROOT, prefix="rollout-")
        self.addCleanup(self._tmp.cleanup)
        self.tmp = Path(self._tmp.name)
        self.root = self.tmp / "tftp"
        self.root.mkdir()
        self.state = self.tmp / "state" / "rollout.sqlite"  # outside the root (issue 11)
        self.state.parent.mkdir()
        self.stack = ExitStack()
        self.addCleanup(self.stack.close)
        self.began = time.time()

    # -- fwplan --------------------------------------------------------------------------------

    def fwplan(self, *args, code=0, catalog=None):
        argv = [FWPLAN] + (["--catalog", str(catalog)] if catalog else []) + [str(a) for a in args]
        run = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, code,
                         f"{' '.join(argv)}\nstdout: {run.stdout[-3000:]}\nstderr: {run.stderr[-3000:]}")
        return run

    def where(self):
        return ["--tftp-root", self.root, "--state", self.state]

    def start(self, *args, factory_defaults=(), catalog=None):
        """`fwplan rollout start`: the first answer names what to stage (and writes nothing);
        the packages it names are staged from testdata with `fwplan stage`, then it starts.
        Returns (the packages staged, start's JSON)."""
        packages = self.stage_for(*args, factory_defaults=factory_defaults, catalog=catalog)
        return packages, self.start_staged(*args, catalog=catalog)

    def start_argv(self, *args):
        return ["--json", "rollout", "start", *self.where(), "--sip-server", SIP_SERVER, *args]

    def start_staged(self, *args, catalog=None):
        started = json.loads(self.fwplan(*self.start_argv(*args), catalog=catalog).stdout)
        self.assertTrue(started["started"], started)
        self.assertEqual(started["missing"], [])
        return started

    def stage_for(self, *args, factory_defaults=(), catalog=None):
        """Stages what `fwplan rollout start` says the root lacks; returns the packages."""
        first = json.loads(self.fwplan(*self.start_argv(*args), code=1, catalog=catalog).stdout)
        self.assertFalse(first["started"], first)
        self.assertEqual(list(self.root.iterdir()), [], "start wrote into the root although "
                         "firmware was missing")
        self.assertFalse(self.state.exists(), "start recorded a rollout it did not start")
        packages = sorted({missing["package"] for missing in first["missing"]})
        self.assertTrue(packages, first)
        for package in packages:
            self.assertTrue((PACKAGES / package).is_file(), f"start asks for {package}, which "
                            "testdata/packages lacks")
        stage_args = []
        for load in factory_defaults:
            stage_args += ["--factory-default", load]
        self.fwplan("stage", "--tftp-root", self.root, *stage_args, *(PACKAGES / p for p in packages))
        return packages

    def follow(self, log, *args):
        """The follower, running in the background until every phone is through."""
        return self.stack.enter_context(Follower(self.tmp, [
            *self.where(), "--log", log, "--settle-after", SETTLE, "--kick", KICK_COMMAND, *args]))

    def status(self, mac=None):
        extra = ["--mac", mac] if mac else []
        return json.loads(self.fwplan("--json", "rollout", "status", *self.where(), *extra).stdout)

    def wait_until_through(self, follower, devices, timeout=WALK_TIMEOUT):
        """The follower exits 0 by itself once every phone is done, refused or failed."""
        code = follower.wait(timeout)
        if code is None:
            follower.stop()
            rows = self.status()["phones"]
            self.fail(f"fwplan rollout follow still ran after {timeout:g} s:\n"
                      + "\n".join(f"  {r['mac']} {r['ip']} step {r['step']}/{r['steps']} {r['state']}: "
                                  f"{r['reason']}" for r in rows)
                      + "\nphones:\n" + "\n".join(
                          f"  {d.ip} {d.model}: runs {d.load}, {d.state}, {d.display}; last requests "
                          f"{[r.name for r in d.phone.requests[-6:]]}" for d in devices)
                      + f"\nfollow's stderr: {follower.stderr()[-2000:]}")
        self.assertEqual(code, 0, follower.stderr())
        return follower.events()

    # -- the servers and the phones -------------------------------------------------------------

    def tftpd_with_syslog(self, timestamps):
        syslog = self.stack.enter_context(SyslogServer(self.tmp / "syslog", timestamps=timestamps))
        server = self.stack.enter_context(TftpServer(self.root, syslog=syslog))
        return syslog, server

    def fleet(self, server, times, **options):
        return self.stack.enter_context(Fleet((server.host, server.port), **times, **options))

    # -- checks ----------------------------------------------------------------------------------

    def assertContractRow(self, row, *, mac, model, ip, step, steps, load, target, state):
        """One phone of `status --json`: every contract field, with the values given."""
        self.assertLessEqual(CONTRACT_FIELDS, set(row), row)
        self.assertIn(row["state"], STATES)
        self.assertEqual({k: row[k] for k in ("mac", "model", "ip", "step", "steps", "load",
                                               "target", "state")},
                         dict(mac=mac, model=model, ip=ip, step=step, steps=steps, load=load,
                              target=target, state=state))
        # since: the log time of its last change, within this test (classic stamps: whole s).
        self.assertGreaterEqual(parse_since(row["since"]), self.began - 1.5, row["since"])
        self.assertLessEqual(parse_since(row["since"]), time.time() + 1, row["since"])
        self.assertTrue(row["reason"], row)

    def assertKicked(self, events, mac, steps):
        """The kick command ran, and succeeded, for exactly these steps of the phone."""
        kicked = [e["step"] for e in events if e["mac"] == mac and e["reason"].startswith(
            "the kick command ran (exit 0: kick_phone: ")]
        self.assertEqual(kicked, steps, [e["reason"] for e in events if e["mac"] == mac])
        self.assertFalse([e for e in events if e["mac"] == mac and e["to"] == "needs-reset"])


class RolloutEndToEnd(RolloutTest):
    """The walks issue 11 asks for, each ending with every phone through."""

    # -- 1. the walk of the issue ----------------------------------------------------------------

    def test_a_7941_walks_to_sip_with_tftpd_hpa_logging_through_rsyslog(self):
        """A 7941 from SCCP41.8-3-1S ends on SIP41.9-4-2SR3-1S; no file copied by hand.
        tftpd-hpa -v -v through rsyslog, Debian 12's classic timestamps."""
        packages, started = self.start("--mac", MAC_TEXT, "--model", "7941", "--from", "SCCP41.8-3-1S",
                                       factory_defaults=["SIP41.9-4-2SR3-1S"])
        self.assertEqual(packages, ["cmterm-7941_7961-sccp.8-5-2.zip", "cmterm-7941_7961-sip.9-4-2SR3-1.zip"])
        self.assertEqual(started["phones"][0]["loads"], ["SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S"])
        self.assertEqual(config_of(self.root, MAC), ("SCCP", "SCCP41.8-5-2S"))  # step 1, by start
        syslog, server = self.tftpd_with_syslog("classic")
        follower = self.follow(syslog.log_path)
        phone = self.fleet(server, FLASH_CLASSIC).add("7941", "SCCP41.8-3-1S", mac=MAC)
        self.assertEqual(phone.ip, "127.0.0.2")

        events = self.wait_until_through(follower, [phone])
        self.assertEqual(phone.load, "SIP41.9-4-2SR3-1S")
        self.assertEqual(phone.phone.history, ["SCCP41.8-3-1S", "SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S"])
        self.assertTrue(phone.wait_idle(5), phone.events)
        # Step 1 came with the power-up, step 2 with the one reset: the kick fwplan ran.
        self.assertEqual((phone.resets, len(phone.boots)), (1, 4))
        self.assertKicked(events, MAC_TEXT, [2])
        self.assertEqual([r.name for r in phone.phone.requests], WALK_7941)
        # What fwplan read is what the phone did: each request is one RRQ line from its IP.
        lines = syslog.wait_for(lambda lines: tftpd_names(lines, phone.ip) == WALK_7941, 5)
        self.assertTrue(all(CLASSIC_STAMP.match(l) for l in lines if "RRQ from 127.0.0.2" in l))
        # fwplan put step 2's config in place; nobody else wrote into the root.
        self.assertEqual(config_of(self.root, MAC), ("SIP", "SIP41.9-4-2SR3-1S"))
        self.assertEqual((self.root / SEP).stat().st_mode & 0o777, 0o644)  # tftpd serves it
        self.assertFalse((self.root / f"{SEP}.bak").exists())

        (row,) = self.status()["phones"]
        self.assertContractRow(row, mac=MAC_TEXT, model="7941", ip="127.0.0.2", step=2, steps=2,
                               load="SIP41.9-4-2SR3-1S", target="SIP41.9-4-2SR3-1S", state="done")
        self.assertIn("the target", row["reason"])
        # The walk, transition by transition (status --mac: the timeline).
        timeline = [(t["from"], t["to"], t["step"]) for t in self.status(MAC_TEXT)["timeline"]
                    if t["from"] != t["to"]]
        self.assertEqual(timeline, [("waiting", "fetching", 1), ("fetching", "settled", 1),
                                    ("settled", "waiting", 2), ("waiting", "fetching", 2),
                                    ("fetching", "done", 2)])

    # -- 2. a fleet of 12 mixed phones -------------------------------------------------------------

    def test_b_twelve_mixed_phones_from_a_fleet_csv(self):
        """12 phones of six models from one --fleet CSV, against one tftpd-hpa (rsyslog, RFC
        3339), on 127.0.0.2-13 at once: all end on their targets. fwplan plans each chain;
        the phones judge every step by their own rules (J-01/J-04, S-03/S-08)."""
        fleet_rows = [
            # model, running load, target column ("" = the family's final SIP load), chain
            # fwplan must plan (checked against start's answer)
            ("7941", "SCCP41.8-3-1S", "", ["SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S"]),
            ("7941", "SCCP41.8-3-1S", "SIP41.9-4-2SR3-1S", ["SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S"]),
            ("7961", "SCCP41.8-3-1S", "SIP", ["SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S"]),
            ("7961", "SCCP41.8-5-4S", "", ["SIP41.9-4-2SR3-1S"]),
            ("7942", "SCCP42.8-3-3S", "", ["SIP42.9-4-2SR3-1S"]),
            ("7942", "SCCP42.8-3-3S", "SIP42.8-5-4S", ["SIP42.8-5-4S"]),
            ("7970", "SCCP70.8-3-3S", "", ["SIP70.9-4-2SR3-1S"]),
            ("7970", "SCCP70.8-3-3S", "SIP70.9-4-2SR3-1S", ["SIP70.9-4-2SR3-1S"]),
            ("7911", "SCCP11.8-5-2S", "", ["SIP11.9-4-2SR3-1S"]),
            ("7911", "SCCP11.8-3-3S", "SIP11.8-5-4S", ["SIP11.8-5-4S"]),
            ("7960", "P0S3-07-4-00", "", ["P0S3-8-12-00"]),
            ("7960", "P0S3-06-3-00", "", ["P0S3-07-4-00", "P0S3-8-12-00"]),
        ]
        ips = [f"127.0.0.{n}" for n in range(2, 14)]
        macs = [f"008041E2EE{n:02X}" for n in range(2, 14)]  # device.py's MAC for each address
        csv = self.tmp / "phones.csv"
        csv.write_text("mac,model,load,target,line_name\n" + "".join(
            f"{mac},{model},{load},{target},{600 + i}\n"
            for i, (mac, (model, load, target, _)) in enumerate(zip(macs, fleet_rows))), encoding="utf-8")
        _, started = self.start("--fleet", csv, factory_defaults=[
            "SIP41.9-4-2SR3-1S", "SIP42.9-4-2SR3-1S", "SIP70.9-4-2SR3-1S", "SIP11.9-4-2SR3-1S"])
        planned = {phone["mac"].replace(":", "").upper(): phone["loads"] for phone in started["phones"]}
        self.assertEqual(planned, {mac: row[3] for mac, row in zip(macs, fleet_rows)})

        syslog, server = self.tftpd_with_syslog("rfc3339")
        follower = self.follow(syslog.log_path)
        fleet = self.fleet(server, FAST, http=False)
        devices = [fleet.add(model, load, mac=mac) for mac, (model, load, _, _) in zip(macs, fleet_rows)]
        self.assertEqual([d.ip for d in devices], ips)

        events = self.wait_until_through(follower, devices, timeout=FLEET_TIMEOUT)
        rows = {row["mac"].replace(":", "").upper(): row for row in self.status()["phones"]}
        for device, (model, load, _, chain) in zip(devices, fleet_rows):
            with self.subTest(ip=device.ip, model=model, chain=chain):
                self.assertEqual(device.load, chain[-1])
                self.assertEqual(device.phone.history, [load] + chain)
                # Step 1 with the power-up, each later step with one kick.
                self.assertEqual(device.resets, len(chain) - 1)
                mac_text = rows[device.mac]["mac"]
                self.assertKicked(events, mac_text, list(range(2, len(chain) + 1)))
                self.assertContractRow(rows[device.mac], mac=mac_text, model=model, ip=device.ip,
                                       step=len(chain), steps=len(chain), load=chain[-1],
                                       target=chain[-1], state="done")
                # What fwplan read is what the phone did: one RRQ line per request.
                names = tftpd_names(syslog.lines(), device.ip)
                self.assertEqual(names, [r.name for r in device.phone.requests])
                if model != "7960":  # a Java phone asks for a step's .loads once, then flashes
                    self.assertEqual([n for n in names if n.endswith(".loads")],
                                     [f"{step_load}.loads" for step_load in chain])
        # phone-files.md §7.3: a 7960 asks for the .loads its SEP file names on every boot, even
        # on the load it runs; fwplan walked it all the same.
        for device in devices[10:]:
            for boot in device.boots:
                self.assertEqual(boot.names[2], f"{boot.config_load}.loads", (device.ip, boot.names))
                # Each boot read the configs of one step: the image it flashed is the one its
                # SEP file names, not a SIP<MAC>.cnf of the next step that fwplan wrote while
                # the phone was still reading this step's files.
                if boot.outcome == "flashed":
                    self.assertEqual(boot.target, boot.config_load, (
                        device.ip, boot.names,
                        [l for l in syslog.lines() if f"from {device.ip} " in l][-14:],
                        [(e["time"], e["from"], e["to"], e["step"], e["reason"][:90])
                         for e in events if e["mac"] == rows[device.mac]["mac"]]))
        self.assertTrue(all(RFC3339_STAMP.match(l) for l in syslog.lines() if "RRQ from" in l))
        summary = self.status()["counts"]
        self.assertEqual(summary, {"done": 12})

    # -- 3. an 8.5(2)SR1 bridge is refused ---------------------------------------------------------

    SITE_CATALOG = """<catalog format="1">
  <!-- A site's catalog (docs/catalog-format.md) that believes a forum post: it lifts J-04 and
       J-05 (same IDs replace the built-in rules) and prefers SIP 8.5(2)SR1 as the bridge. -->
  <rule id="J-04" applies-to="41" confidence="COMMUNITY" title="Lifted by this site">
    <text>Our lab says 8.5(2)SR1 installs on 8.3(1).</text>
  </rule>
  <rule id="J-05" applies-to="41" confidence="COMMUNITY" title="Lifted by this site">
    <text>Lifted with J-04.</text>
  </rule>
  <rule id="SITE-SR1" applies-to="41" confidence="INFERRED" title="Bridge through SIP 8.5(2)SR1">
    <text>The bridge this site uses.</text>
    <prefer version="8.5(2)SR1" protocol="SIP"/>
  </rule>
</catalog>
"""

    def test_c_a_phone_served_an_8_5_2sr1_bridge_ends_refused(self):
        """J-04: below 8.3(3), 8.5(2)SR1 already has the new signature. fwplan never plans it
        by itself; a site catalog that lifts J-04 does, and the phone, by its own rule, loops
        on AUTH FAIL: fwplan says refused and writes no further step."""
        args = ["--model", "7941", "--from", "SIP41.8-3-1S", "--to", "SIP41.9-4-2SR3-1S"]
        builtin = json.loads(self.fwplan("--json", "plan", *args).stdout)
        self.assertEqual([s["load"] for s in builtin["steps"]], ["SIP41.8-5-2S", "SIP41.9-4-2SR3-1S"])
        catalog = self.tmp / "site.xml"
        catalog.write_text(self.SITE_CATALOG, encoding="utf-8")
        sr1 = PACKAGES / "cmterm-7941_7961-sip.8-5-2SR1.zip"
        # The site has the SR1 zip (--firmware: the planner prefers loads you have).
        packages, started = self.start("--mac", MAC_TEXT, *args, "--firmware", sr1, catalog=catalog,
                                       factory_defaults=["SIP41.9-4-2SR3-1S"])
        self.assertEqual(started["phones"][0]["loads"], ["SIP41.8-5-2SR1S", "SIP41.9-4-2SR3-1S"])
        self.assertIn(sr1.name, packages)
        syslog, server = self.tftpd_with_syslog("rfc3339")
        follower = self.follow(syslog.log_path)
        phone = self.fleet(server, FAST).add("7941", "SIP41.8-3-1S", mac=MAC)

        events = self.wait_until_through(follower, [phone])
        (row,) = self.status()["phones"]
        self.assertContractRow(row, mac=MAC_TEXT, model="7941", ip="127.0.0.2", step=1, steps=2,
                               load="SIP41.8-3-1S", target="SIP41.9-4-2SR3-1S", state="refused")
        self.assertIn("SIP41.8-5-2SR1S.loads 3 times with no component", row["reason"])
        self.assertIn("AUTH FAIL", row["reason"])
        self.assertEqual([e["to"] for e in events if e["from"] != e["to"]], ["fetching", "refused"])
        # The phone's own word: it refused by J-04 and runs its old load.
        self.assertEqual((phone.load, phone.state, phone.display), ("SIP41.8-3-1S", REFUSING, "AUTH FAIL"))
        self.assertEqual(phone.boots[0].rule, "J-04")
        # The log: the .loads again and again, never a component of it.
        names = tftpd_names(syslog.lines(), phone.ip)
        self.assertEqual(names[:5], TRUST + [SEP, "SIP41.8-5-2SR1S.loads"])
        self.assertGreaterEqual(names.count("SIP41.8-5-2SR1S.loads"), 3)
        self.assertFalse(set(COMPONENTS_SIP41_852SR1) & set(names), names)
        # No step 2: its config stayed out of the root, and nobody reset the phone.
        self.assertEqual(config_of(self.root, MAC), ("SIP", "SIP41.8-5-2SR1S"))
        self.assertEqual(phone.resets, 0)
        self.assertKicked(events, MAC_TEXT, [])

    # -- 4. the same walk with dnsmasq ---------------------------------------------------------------

    def test_d_the_same_walk_served_by_dnsmasq(self):
        """The walk of test a with dnsmasq's TFTP server (127.0.1.1:69) and its own log file:
        `sent PATH to IP` / `file PATH not found for IP`, PATH below dnsmasq's root, logged on
        completion (so a phone's lines may come out of order: README.md "dnsmasq")."""
        self.start("--mac", MAC_TEXT, "--model", "7941", "--from", "SCCP41.8-3-1S",
                   factory_defaults=["SIP41.9-4-2SR3-1S"])
        server = self.stack.enter_context(DnsmasqTftp(self.root, self.tmp / "dnsmasq"))
        follower = self.follow(server.log_path, "--format", "dnsmasq", "--server-root", server.root)
        phone = self.fleet(server, FLASH_CLASSIC).add("7941", "SCCP41.8-3-1S", mac=MAC)

        events = self.wait_until_through(follower, [phone])
        self.assertEqual(phone.load, "SIP41.9-4-2SR3-1S")
        self.assertEqual(phone.phone.history, ["SCCP41.8-3-1S", "SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S"])
        self.assertEqual((phone.resets, len(phone.boots)), (1, 4))
        self.assertKicked(events, MAC_TEXT, [2])
        self.assertEqual([r.name for r in phone.phone.requests], WALK_7941)
        # Every request is in dnsmasq's file (each kind of line keeps its order).
        lines = server.wait_for(lambda lines: sorted(dnsmasq_names(lines, phone.ip, server.root))
                                == sorted(n.lstrip("/") for n in WALK_7941), 5)
        self.assertIn(f"dnsmasq-tftp[{server.pid}]: sent {server.root}/SIP41.9-4-2SR3-1S.loads to 127.0.0.2",
                      [CLASSIC_STAMP.sub("", line) for line in lines])
        self.assertEqual(config_of(self.root, MAC), ("SIP", "SIP41.9-4-2SR3-1S"))
        (row,) = self.status()["phones"]
        self.assertContractRow(row, mac=MAC_TEXT, model="7941", ip="127.0.0.2", step=2, steps=2,
                               load="SIP41.9-4-2SR3-1S", target="SIP41.9-4-2SR3-1S", state="done")

    # -- 5. --confirm http: the phone's own word ---------------------------------------------------

    def test_e_confirm_http_asks_each_phone_what_it_runs(self):
        """--confirm http: before a step counts, fwplan GETs http://IP/DeviceInformationX; the
        simulated phones answer from what they run (versionID on a 7941, appLoadID on a 7960:
        rollout.md §4). Both walks end done, and the reasons say the phone confirmed it."""
        csv = self.tmp / "phones.csv"
        csv.write_text("mac,model,load\n"
                       f"{MAC},7941,SCCP41.8-3-1S\n"
                       "0019E8F41234,7960,P0S3-07-4-00\n", encoding="utf-8")
        self.start("--fleet", csv, factory_defaults=["SIP41.9-4-2SR3-1S"])
        syslog, server = self.tftpd_with_syslog("rfc3339")
        follower = self.follow(syslog.log_path, "--confirm", "http")
        fleet = self.fleet(server, FAST, http=True)
        p7941 = fleet.add("7941", "SCCP41.8-3-1S", mac=MAC)
        p7960 = fleet.add("7960", "P0S3-07-4-00", mac="0019E8F41234")

        events = self.wait_until_through(follower, [p7941, p7960])
        self.assertEqual((p7941.load, p7960.load), ("SIP41.9-4-2SR3-1S", "P0S3-8-12-00"))
        self.assertEqual(p7941.resets, 1)
        rows = {row["model"]: row for row in self.status()["phones"]}
        self.assertContractRow(rows["7941"], mac=MAC_TEXT, model="7941", ip="127.0.0.2", step=2, steps=2,
                               load="SIP41.9-4-2SR3-1S", target="SIP41.9-4-2SR3-1S", state="done")
        self.assertContractRow(rows["7960"], mac="00:19:e8:f4:12:34", model="7960", ip="127.0.0.3", step=1,
                               steps=1, load="P0S3-8-12-00", target="P0S3-8-12-00", state="done")
        # The load is the phone's word, not the TFTP log's.
        self.assertEqual(rows["7941"]["reason"], "the phone says it runs SIP41.9-4-2SR3-1S, the target")
        self.assertEqual(rows["7960"]["reason"], "the phone says it runs P0S3-8-12-00, the target")
        # fwplan asked each phone once per step, after the phone had settled on it, and the
        # phone said the step's load (the 7960's page: appLoadID, versionID 8.12(0.0)).
        said = [(ip, dict(fields)["versionID"]) for _, ip, fields in p7941.web_requests]
        self.assertEqual(said, [("127.0.0.1", "SCCP41.8-5-2S"), ("127.0.0.1", "SIP41.9-4-2SR3-1S")])
        said = [(dict(fields)["appLoadID"], dict(fields)["versionID"]) for _, _, fields in p7960.web_requests]
        self.assertEqual(said, [("P0S3-8-12-00", "8.12(0.0)")])
        for mac, loads in ((MAC_TEXT, ["SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S"]), ("00:19:e8:f4:12:34", ["P0S3-8-12-00"])):
            reasons = [e["reason"] for e in events if e["mac"] == mac]
            asked = [r for r in reasons if r.endswith("; asking the phone what it runs (--confirm http)")]
            confirmed = [r for r in reasons if r.startswith("the phone says it runs ")]
            self.assertEqual(len(asked), len(loads), reasons)
            self.assertEqual([r.split()[5].rstrip(";,") for r in confirmed], loads, reasons)
            self.assertFalse([r for r in reasons if "TFTP evidence alone" in r], reasons)

    # -- 6. --advance on-download: fewer resets ----------------------------------------------------

    def test_f_on_download_walks_two_steps_without_a_reset_after_the_start(self):
        """--advance on-download: step 2's config goes in as soon as the phone asks for step 1's
        last component, so the phone comes back from its own flash to step 2 and carries on.
        The walk of test a with one boot at the start (the power-up) and no reset after it;
        test a needed a reset for step 2. Flashing takes 1.5 s here (a real one ~36 s,
        rollout.md §3): fwplan must have step 2's config in place before the phone reboots."""
        self.start("--mac", MAC_TEXT, "--model", "7941", "--from", "SCCP41.8-3-1S",
                   factory_defaults=["SIP41.9-4-2SR3-1S"])
        syslog, server = self.tftpd_with_syslog("rfc3339")
        follower = self.follow(syslog.log_path, "--advance", "on-download")
        phone = self.fleet(server, dict(FAST, flash_time=1.5)).add("7941", "SCCP41.8-3-1S", mac=MAC)

        events = self.wait_until_through(follower, [phone])
        self.assertEqual(phone.load, "SIP41.9-4-2SR3-1S")
        self.assertEqual(phone.phone.history, ["SCCP41.8-3-1S", "SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S"])
        self.assertTrue(phone.wait_idle(5), phone.events)
        # One boot per flash and one to settle: no reset, no settle on step 1 in between.
        self.assertEqual(phone.resets, 0)
        self.assertEqual([b.config_load for b in phone.boots],
                         ["SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S", "SIP41.9-4-2SR3-1S"])
        self.assertEqual([b.outcome for b in phone.boots][:2], ["flashed", "flashed"])
        self.assertKicked(events, MAC_TEXT, [])
        self.assertEqual([r.name for r in phone.phone.requests],
                         TRUST + [SEP, "SCCP41.8-5-2S.loads"] + COMPONENTS_SCCP41_852
                         + TRUST + [SEP, "SIP41.9-4-2SR3-1S.loads"] + COMPONENTS_SIP41_942SR3
                         + TRUST + [SEP] + AFTER_SIP_CONFIG)
        # fwplan wrote step 2 at the last component of step 1, and never settled on step 1.
        moves = [(e["from"], e["to"], e["step"]) for e in events if e["from"] != e["to"]]
        self.assertEqual(moves, [("waiting", "fetching", 1), ("fetching", "waiting", 2),
                                 ("waiting", "fetching", 2), ("fetching", "done", 2)])
        early = [e["reason"] for e in events if "(--advance on-download)" in e["reason"]]
        self.assertEqual(len(early), 1, [e["reason"] for e in events])
        self.assertIn("asked for cvm41sccp.8-5-2TH1-9.sbn", early[0])
        (row,) = self.status()["phones"]
        self.assertContractRow(row, mac=MAC_TEXT, model="7941", ip="127.0.0.2", step=2, steps=2,
                               load="SIP41.9-4-2SR3-1S", target="SIP41.9-4-2SR3-1S", state="done")


class FoundBugs(RolloutTest):
    """Bugs these end-to-end walks found in `fwplan rollout`, kept as tests of their fix."""

    def test_bug_a_a_boot_just_before_start_is_no_read_of_step_1(self):
        """A phone that booted shortly before `rollout start` read the config the root had
        then, not step 1's. fwplan takes that request as step 1's (start.cpp tolerates lines
        up to 120 s before it), settles the phone on a load it never ran, writes step 2 and
        kicks it: a 7941 on 8.3(1) is served 9.4(2)SR3, which J-01 forbids (AUTH FAIL)."""
        args = ["--mac", MAC_TEXT, "--model", "7941", "--from", "SCCP41.8-3-1S"]
        self.stage_for(*args, factory_defaults=["SIP41.9-4-2SR3-1S"])
        site_config = ('<?xml version="1.0" encoding="UTF-8"?>\n<device>\n'
                       "  <deviceProtocol>SCCP</deviceProtocol>\n"
                       "  <loadInformation>SCCP41.8-3-1S</loadInformation>\n</device>\n")
        (self.root / SEP).write_text(site_config, encoding="utf-8")  # the site's own, before
        (self.root / SEP).chmod(0o644)
        syslog, server = self.tftpd_with_syslog("rfc3339")
        phone = self.fleet(server, FAST).add("7941", "SCCP41.8-3-1S", mac=MAC)
        self.assertTrue(phone.wait_idle(10), phone.events)
        self.start_staged(*args, "--force")  # replaces the site's SEP file (kept for --undo)
        follower = self.follow(syslog.log_path)
        follower.wait(6)  # nobody resets the phone: nothing may happen to it
        follower.stop()
        self.assertEqual(phone.resets, 0)
        self.assertEqual([(b.outcome, b.rule) for b in phone.boots if b.outcome != "current"], [],
                         [b.names for b in phone.boots])
        (row,) = self.status()["phones"]
        self.assertEqual((row["step"], row["load"]), (1, "SCCP41.8-3-1S"), row["reason"])

    def test_bug_f_on_download_reading_a_backlog_reports_a_load_the_phone_does_not_run(self):
        """--advance on-download, with a follower that starts (or restarts) after the phone
        asked for step 1's last component: by then the phone has flashed and rebooted onto
        step 1's config. fwplan writes step 2 "early", takes the reboot's config request (in
        the log before that write) as a read of step 2, and says the phone is done on
        SIP41.9-4-2SR3-1S while it runs SCCP41.8-5-2S; nobody resets it again."""
        self.start("--mac", MAC_TEXT, "--model", "7941", "--from", "SCCP41.8-3-1S",
                   factory_defaults=["SIP41.9-4-2SR3-1S"])
        syslog, server = self.tftpd_with_syslog("rfc3339")
        phone = self.fleet(server, FAST).add("7941", "SCCP41.8-3-1S", mac=MAC)
        self.assertTrue(phone.wait_until(lambda p: p.load == "SCCP41.8-5-2S" and p.state == IDLE, 10))
        follower = self.follow(syslog.log_path, "--advance", "on-download")
        # The fix: the reboot's config request was logged before step 2 was written, so it
        # read step 1; fwplan kicks the phone once, and the walk ends on the target.
        self.wait_until_through(follower, [phone])
        (row,) = self.status()["phones"]
        self.assertEqual(row["load"], phone.load, row["reason"])  # what fwplan says it runs
        self.assertEqual((phone.load, phone.resets, row["state"]), ("SIP41.9-4-2SR3-1S", 1, "done"))


if __name__ == "__main__":
    unittest.main()
