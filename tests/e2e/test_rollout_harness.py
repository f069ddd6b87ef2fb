"""The harness the end-to-end tests of `fwplan rollout` need, proven by walking phones with a
scripted operator (this file) instead of fwplan: real TFTP servers (tftpd-hpa logging through
rsyslog; dnsmasq), long-lived simulated phones on 127.0.0.N that boot only when reset
(device.py), kick_phone.py to reset them, and DeviceInformationX.

The operator does what a person does today (rollout.md §1): write step k's configs into the
root, reset the phone, read the server's log until the phone has settled on step k, write
step k+1's, reset again. Run by ctest as e2e.rollout_harness; by hand: README.md.
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
import zipfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from device import IDLE, OFF, REFUSING, Fleet, PhoneProcess  # noqa: E402
from dnsmasq_server import DnsmasqTftp  # noqa: E402
from phone import manifest_components, read_signed  # noqa: E402
from phone7960 import judge_7960, manifest_images, parse_sip_cnf, parse_sip_image  # noqa: E402
from syslog_server import SyslogServer  # noqa: E402
from tftp_server import TftpServer  # noqa: E402

SOURCE_DIR = Path(os.environ.get("FWPLAN_SOURCE_DIR", HERE.parents[1]))
PACKAGES = SOURCE_DIR / "testdata" / "packages"
TMP_ROOT = Path(os.environ.get("FWPLAN_TEST_TMPDIR", tempfile.gettempdir())) / "e2e"
KICK = HERE / "kick_phone.py"

# Small times: a flash takes 0.1 s here, a refused phone asks again every 0.15 s, and a
# settled SCCP phone (which asks for nothing after its config) is judged after 0.5 s quiet.
PHONE_TIMES = dict(flash_time=0.1, reboot_time=0.02, retry_interval=0.15, tftp_timeout=0.5,
                   lifetime=60.0)
QUIET = 0.5
WALK_TIMEOUT = 30.0

MAC = "008041AEFD7E"
SEP = f"SEP{MAC}.cnf.xml"
TRUST = [f"CTLSEP{MAC}.tlv", f"ITLSEP{MAC}.tlv", "ITLFile.tlv"]

PKG = {
    "SCCP41.8-5-2S": "cmterm-7941_7961-sccp.8-5-2.zip",
    "SIP41.8-5-2SR1S": "cmterm-7941_7961-sip.8-5-2SR1.zip",
    "SIP41.9-4-2SR3-1S": "cmterm-7941_7961-sip.9-4-2SR3-1.zip",
    "SIP42.8-5-4S": "cmterm-7942_7962-sip.8-5-4.zip",
    "SIP42.9-4-2SR3-1S": "cmterm-7942_7962-sip.9-4-2SR3-1.zip",
    "SCCP70.8-3-3S": "cmterm-7970_7971-sccp.8-3-3.zip",
    "SIP70.9-4-2SR3-1S": "cmterm-7970_7971-sip.9-4-2SR3-1.zip",
    "SIP11.8-5-4S": "cmterm-7911_7906-sip.8-5-4.zip",
    "SIP11.9-4-2SR3-1S": "cmterm-7911_7906-sip.9-4-2SR3-1.zip",
    "P0S3-07-4-00": "P0S3-07-4-00.zip",
    "P0S3-8-12-00": "P0S3-8-12-00.zip",
}

# The component lists written out (not read from the zips), so a wrong order fails.
COMPONENTS_SCCP41_852 = ["jar41sccp.8-5-2TH1-9.sbn", "cnu41.8-5-2TH1-9.sbn", "apps41.8-5-2TH1-9.sbn",
                         "dsp41.8-5-2TH1-9.sbn", "cvm41sccp.8-5-2TH1-9.sbn"]
COMPONENTS_SIP41_942SR3 = ["jar41sip.9-4-2ES26.sbn", "cnu41.9-4-2ES26.sbn", "apps41.9-4-2ES26.sbn",
                           "dsp41.9-4-2ES26.sbn", "cvm41sip.9-4-2ES26.sbn"]
COMPONENTS_SIP41_852SR1 = ["jar41sip.8-5-2ES2.sbn", "cnu41.8-5-2ES2.sbn", "apps41.8-5-2ES2.sbn",
                           "dsp41.8-5-2ES2.sbn", "cvm41sip.8-5-2ES2.sbn"]

# The whole walk of the 7941, request by request (formats.md §7.1): power-on on its load,
# then step 1 (flash, reboot, settled SCCP: nothing after the config), then step 2 (flash,
# reboot, settled SIP: locale JAR and dial plan).
WALK_7941 = (TRUST + [SEP]
             + TRUST + [SEP, "SCCP41.8-5-2S.loads"] + COMPONENTS_SCCP41_852 + TRUST + [SEP]
             + TRUST + [SEP, "SIP41.9-4-2SR3-1S.loads"] + COMPONENTS_SIP41_942SR3 + TRUST + [SEP]
             + ["/mk-sip.jar", "dialplan.xml"])
MISSING_7941 = set(TRUST) | {"/mk-sip.jar", "dialplan.xml"}

# --- reading the servers' logs (the operator's eyes; written here, not taken from fwplan) ---

# rollout.md §2: tftpd-hpa at -v logs each read request, at -vv each refusal; no completion.
TFTPD_RRQ = re.compile(r"in\.tftpd\[(?P<pid>\d+)\]: RRQ from (?P<ip>\S+) filename (?P<name>\S+)$")
TFTPD_NAK = re.compile(r"in\.tftpd\[(?P<pid>\d+)\]: sending NAK \((?P<code>\d+), (?P<text>[^)]*)\) "
                       r"to (?P<ip>\S+)$")
# rollout.md §2 and README.md "dnsmasq": a line per finished or refused transfer.
DNSMASQ_SENT = re.compile(r"dnsmasq-tftp\[\d+\]: sent (?P<path>\S+) to (?P<ip>\S+)$")
DNSMASQ_MISSING = re.compile(r"dnsmasq-tftp\[\d+\]: file (?P<path>\S+) not found for (?P<ip>\S+)$")

CLASSIC_STAMP = re.compile(r"^[A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d \S+ ")
CLASSIC_NO_HOST = re.compile(r"^[A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d ")  # dnsmasq's own file
RFC3339_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d \S+ ")


@dataclass
class Seen:
    """One request as the log shows it: status ok (tftpd-hpa: no NAK followed; dnsmasq:
    sent) or not-found."""

    ip: str
    name: str
    status: str
    line: str
    naks: list = field(default_factory=list)


def tftpd_requests(lines):
    """Requests in tftpd-hpa lines: an RRQ, and the NAK its transfer process logged."""
    seen, by_pid = [], {}
    for line in lines:
        match = TFTPD_RRQ.search(line)
        if match:
            by_pid[match["pid"]] = Seen(match["ip"], match["name"], "ok", line)
            seen.append(by_pid[match["pid"]])
            continue
        match = TFTPD_NAK.search(line)
        if match and match["pid"] in by_pid:
            request = by_pid[match["pid"]]
            request.naks.append(line)
            if match["code"] == "1":
                request.status = "not-found"
    return seen


def dnsmasq_requests(lines, root):
    """Requests in dnsmasq lines; names as asked (the server's root and one leading / cut)."""
    prefix = f"{root}/"
    seen = []
    for line in lines:
        for pattern, status in ((DNSMASQ_SENT, "ok"), (DNSMASQ_MISSING, "not-found")):
            match = pattern.search(line)
            if match:
                path = match["path"]
                name = path[len(prefix):] if path.startswith(prefix) else path
                seen.append(Seen(match["ip"], name, status, line))
    return seen


def expected_dnsmasq_name(name):
    """dnsmasq logs a requested /mk-sip.jar as <root>/mk-sip.jar (measured, README.md)."""
    return name.lstrip("/")


# --- the TFTP root ----------------------------------------------------------------------------


def stage(root, *loads):
    """Unzip the packages of `loads` into root, folders flattened, world-readable (what an
    admin does by hand; not fwplan stage)."""
    for load in loads:
        with zipfile.ZipFile(PACKAGES / PKG[load]) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                target = Path(root) / PurePosixPath(info.filename).name
                target.write_bytes(archive.read(info))
                target.chmod(0o644)


def write_atomically(path, text):
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    temp.chmod(0o644)
    os.replace(temp, path)


def write_configs(root, model, mac, load):
    """The minimal configs of one step (formats.md §6.1 skeleton; 7940/7960: §6.3)."""
    root = Path(root)
    if model in ("7960", "7940"):
        write_atomically(root / f"SEP{mac}.cnf.xml",
                         "<device>\n  <deviceProtocol>SIP</deviceProtocol>\n"
                         f'  <loadInformation model="IP Phone {model}">{load}</loadInformation>\n'
                         "</device>\n")
        write_atomically(root / f"SIP{mac}.cnf",
                         f"# SIP{mac}.cnf\nimage_version: {load}\nline1_name: \"{mac[-4:]}\"\n")
        if not (root / "SIPDefault.cnf").exists():
            write_atomically(root / "SIPDefault.cnf",
                             "# SIPDefault.cnf: the settings all 7940/7960 share\n"
                             "proxy1_address: 127.0.0.1 ; the PBX\nproxy1_port: 5060\n"
                             "dial_template: dialplan\ntftp_cfg_dir: ./\n")
        return
    protocol = "SIP" if load.startswith("SIP") else "SCCP"
    write_atomically(root / f"SEP{mac}.cnf.xml",
                     '<?xml version="1.0" encoding="UTF-8"?>\n<device>\n'
                     f"  <deviceProtocol>{protocol}</deviceProtocol>\n"
                     f"  <loadInformation>{load}</loadInformation>\n</device>\n")


def listed_files(root, load):
    """What the staged <load>.loads lists (the operator reads it, as a person would)."""
    _, body = read_signed((Path(root) / f"{load}.loads").read_bytes())
    return [name for name in manifest_components(body) if "=" not in name]


def kick(ip, timeout=3.0):
    """kick_phone.py, exactly as `fwplan rollout follow --kick 'python3 kick_phone.py %i'`
    would run it."""
    return subprocess.run([sys.executable, str(KICK), ip, "--timeout", str(timeout)],
                          capture_output=True, text=True, timeout=timeout + 10)


def device_information(ip):
    with urllib.request.urlopen(f"http://{ip}/DeviceInformationX", timeout=2) as answer:
        return answer.status, answer.headers.get("Content-Type"), ET.fromstring(answer.read())


# --- the scripted operator ------------------------------------------------------------------------


@dataclass
class Walk:
    device: PhoneProcess
    chain: list  # the loads of the steps, in order
    step: int = -1  # index into chain of the config in place
    mark: int = 0  # how many of this IP's requests the log held when it was reset
    state: str = "waiting"  # waiting | done | refused
    quiet_since: float = None
    kicks: int = 0


class Operator:
    """Walks phones along their chains by reading the server's log: the person of
    rollout.md §1, scripted. `requests(lines)` turns log lines into Seen requests."""

    def __init__(self, test, root, read_log, requests):
        self.test = test
        self.root = Path(root)
        self.read_log = read_log
        self.requests = requests
        self.walks = []

    def walk(self, plan, timeout=WALK_TIMEOUT):
        """plan: [(device, [load of step 1, load of step 2, ...])]. Returns the Walks when
        every phone is done or refused; fails the test after `timeout` seconds."""
        self.walks = [Walk(device, list(chain)) for device, chain in plan]
        for walk in self.walks:
            self._advance(walk, self._by_ip(self.requests(self.read_log())))
        deadline = time.monotonic() + timeout
        while any(walk.state == "waiting" for walk in self.walks):
            if time.monotonic() > deadline:
                self.test.fail("the walk did not end within "
                               f"{timeout:g} s:\n" + "\n".join(self._describe(w) for w in self.walks))
            by_ip = self._by_ip(self.requests(self.read_log()))
            for walk in self.walks:
                if walk.state == "waiting":
                    self._judge(walk, by_ip.get(walk.device.ip, []))
                    if walk.state == "settled":
                        self._advance(walk, by_ip)
            time.sleep(0.05)
        return self.walks

    def _by_ip(self, seen):
        by_ip = {}
        for request in seen:
            by_ip.setdefault(request.ip, []).append(request)
        return by_ip

    def _advance(self, walk, by_ip):
        if walk.step + 1 == len(walk.chain):
            walk.state = "done"
            return
        walk.step += 1
        walk.state = "waiting"
        walk.quiet_since = None
        write_configs(self.root, walk.device.model, walk.device.mac, walk.chain[walk.step])
        walk.mark = len(by_ip.get(walk.device.ip, []))
        result = kick(walk.device.ip)
        walk.kicks += 1
        self.test.assertEqual(result.returncode, 0,
                              f"kick {walk.device.ip}: {result.returncode} {result.stderr}")

    def _judge(self, walk, seen):
        """Settled on the step's load X: after the last file X.loads lists, the phone asked
        for its SEP file again; then either a file phones ask for only after their config
        (dial plan, locale JAR), or QUIET seconds with no X.loads. Refused: X.loads asked for
        3 times with no listed file (rollout.md §3)."""
        load = walk.chain[walk.step]
        since = [request.name for request in seen[walk.mark:]]
        files = listed_files(self.root, load)
        manifest = f"{load}.loads"
        if since.count(manifest) >= 3 and not set(files) & set(since):
            walk.state = "refused"
            return
        if files[-1] not in since:
            return
        after = since[len(since) - since[::-1].index(files[-1]):]
        config = f"SEP{walk.device.mac}.cnf.xml"
        if config not in after:
            return
        after_config = after[after.index(config) + 1:]
        if "dialplan.xml" in after_config or "/mk-sip.jar" in after_config:
            walk.state = "settled"
            return
        if walk.device.model in ("7960", "7940") or manifest in after_config:
            return  # a 7960 asks for the .loads on every boot: wait for its dial plan
        if walk.quiet_since is None:
            walk.quiet_since = time.monotonic()
        elif time.monotonic() - walk.quiet_since >= QUIET:
            walk.state = "settled"

    @staticmethod
    def _describe(walk):
        device = walk.device
        return (f"  {device.ip} {device.model}: step {walk.step + 1}/{len(walk.chain)} "
                f"({walk.chain[walk.step]}), {walk.state}; runs {device.load}, state {device.state}, "
                f"display {device.display}; last requests "
                f"{[r.name for r in device.phone.requests[-6:]]}")


# --- the tests -------------------------------------------------------------------------------------


class HarnessTest(unittest.TestCase):
    def setUp(self):
        TMP_ROOT.mkdir(parents=True, exist_ok=True)
        self._tmp = tempfile.TemporaryDirectory(dir=TMP_ROOT)
        self.addCleanup(self._tmp.cleanup)
        self.tmp = Path(self._tmp.name)
        self.root = self.tmp / "tftp"
        self.root.mkdir()
        self.stack = ExitStack()
        self.addCleanup(self.stack.close)

    def tftpd_with_syslog(self, timestamps="classic"):
        syslog = self.stack.enter_context(SyslogServer(self.tmp / "syslog", timestamps=timestamps))
        server = self.stack.enter_context(TftpServer(self.root, syslog=syslog))
        return syslog, server

    def fleet(self, server, **options):
        settings = dict(PHONE_TIMES)
        settings.update(options)
        return self.stack.enter_context(Fleet((server.host, server.port), **settings))

    def settled_log(self, log, parse, devices, *, as_logged=lambda name: name, any_order=False,
                    timeout=5.0):
        """log's lines once they hold one line for every request the devices made (rsyslogd
        and dnsmasq write a moment after the transfer). log: a SyslogServer or DnsmasqTftp.
        as_logged: the name a request shows in the log. any_order: the same lines in any
        order (dnsmasq, README.md "dnsmasq"); the test then checks what order it keeps."""
        def agree(lines):
            seen = parse(lines)
            for device in devices:
                logged = [(r.name, r.status) for r in seen if r.ip == device.ip]
                made = [(as_logged(r.name), r.status) for r in device.phone.requests]
                if (sorted(logged) != sorted(made)) if any_order else (logged != made):
                    return False
            return True
        try:
            return log.wait_for(agree, timeout)
        except TimeoutError as error:
            self.fail(f"the log never agreed with the phones: {error}")

    def assertLogMatchesPhone(self, seen, device, missing):
        """The log holds one line per request the phone made, in order, from its own IP,
        with the right status; `missing` are the names that must have been refused."""
        logged = [(r.name, r.status) for r in seen if r.ip == device.ip]
        made = [(r.name, r.status) for r in device.phone.requests]
        self.assertEqual(logged, made, f"log and phone {device.ip} disagree")
        self.assertEqual({name for name, status in made if status == "not-found"}, set(missing))
        self.assertTrue(all(status in ("ok", "not-found") for _, status in made), made)


class ScriptedWalks(HarnessTest):
    def test_a_7941_walked_with_tftpd_hpa_logging_through_rsyslog(self):
        stage(self.root, "SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S")
        syslog, server = self.tftpd_with_syslog()
        fleet = self.fleet(server)
        write_configs(self.root, "7941", MAC, "SCCP41.8-3-1S")
        phone = fleet.add("7941", "SCCP41.8-3-1S", mac=MAC)
        self.assertEqual(phone.ip, "127.0.0.2")
        self.assertTrue(phone.wait_idle(10), phone.events)

        # Phones do not poll (rollout.md §1): a new config and no reset change nothing.
        before = self.settled_log(syslog, tftpd_requests, [phone])
        write_configs(self.root, "7941", MAC, "SCCP41.8-5-2S")
        time.sleep(0.6)
        self.assertEqual(syslog.lines(), before)
        self.assertEqual((phone.load, len(phone.boots)), ("SCCP41.8-3-1S", 1))

        operator = Operator(self, self.root, syslog.lines, tftpd_requests)
        (walk,) = operator.walk([(phone, ["SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S"])])
        self.assertEqual((walk.state, walk.kicks), ("done", 2))
        self.assertEqual(phone.load, "SIP41.9-4-2SR3-1S")
        self.assertEqual(phone.phone.history, ["SCCP41.8-3-1S", "SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S"])
        self.assertEqual(phone.resets, 2)
        self.assertEqual([r.name for r in phone.phone.requests], WALK_7941)

        lines = self.settled_log(syslog, tftpd_requests, [phone])
        seen = tftpd_requests(lines)
        self.assertLogMatchesPhone(seen, phone, MISSING_7941)
        mine = [r for r in seen if r.ip == "127.0.0.2"]
        for request in mine:
            self.assertRegex(request.line, CLASSIC_STAMP)
            self.assertRegex(request.line, r" in\.tftpd\[\d+\]: RRQ from 127\.0\.0\.2 filename "
                             + re.escape(request.name) + "$")
            if request.status == "not-found":
                self.assertEqual(len(request.naks), 1, request.line)
                self.assertTrue(request.naks[0].endswith(
                    "]: sending NAK (1, File not found) to 127.0.0.2"), request.naks[0])
            else:
                self.assertEqual(request.naks, [], request.line)
        # Every boot asked for the trust lists and was refused them: 5 boots, 3 NAKs each.
        for name in TRUST:
            self.assertEqual(sum(1 for r in mine if r.name == name and r.status == "not-found"), 5, name)

    def test_b_the_same_walk_served_by_dnsmasq(self):
        stage(self.root, "SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S")
        server = self.stack.enter_context(DnsmasqTftp(self.root, self.tmp / "dnsmasq"))
        fleet = self.fleet(server)
        write_configs(self.root, "7941", MAC, "SCCP41.8-3-1S")
        phone = fleet.add("7941", "SCCP41.8-3-1S", mac=MAC)
        self.assertTrue(phone.wait_idle(10), phone.events)

        def requests(lines):
            return dnsmasq_requests(lines, server.root)

        operator = Operator(self, self.root, server.lines, requests)
        (walk,) = operator.walk([(phone, ["SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S"])])
        self.assertEqual(walk.state, "done")
        self.assertEqual(phone.load, "SIP41.9-4-2SR3-1S")
        self.assertEqual([r.name for r in phone.phone.requests], WALK_7941)

        lines = self.settled_log(server, requests, [phone], as_logged=expected_dnsmasq_name,
                                 any_order=True)
        logged = [(r.name, r.status) for r in requests(lines) if r.ip == "127.0.0.2"]
        made = [(expected_dnsmasq_name(r.name), r.status) for r in phone.phone.requests]
        # dnsmasq logs "sent" when the last ACK comes in, and may log the phone's next request
        # ("not found") first (README.md "dnsmasq"): each kind keeps its order, not the mix.
        for status in ("ok", "not-found"):
            self.assertEqual([n for n, s in logged if s == status], [n for n, s in made if s == status], status)
        self.assertEqual(sorted(logged), sorted(made))
        # The exact shapes (README.md "dnsmasq"): the path under the server's own root.
        bodies = [CLASSIC_NO_HOST.sub("", line) for line in lines]
        for body in (f"dnsmasq-tftp[{server.pid}]: sent {server.root}/SCCP41.8-5-2S.loads to 127.0.0.2",
                     f"dnsmasq-tftp[{server.pid}]: file {server.root}/CTLSEP{MAC}.tlv not found for 127.0.0.2",
                     f"dnsmasq-tftp[{server.pid}]: file {server.root}/mk-sip.jar not found for 127.0.0.2"):
            self.assertIn(body, bodies)

    def test_c_an_8_5_2sr1_bridge_loops_on_the_loads(self):
        # J-04 (upgrade-rules.md): below 8.3(3), 8.5(2)SR1 already carries the new signature.
        stage(self.root, "SIP41.8-5-2SR1S", "SIP41.9-4-2SR3-1S")
        syslog, server = self.tftpd_with_syslog()
        fleet = self.fleet(server, http=True)
        write_configs(self.root, "7941", MAC, "SCCP41.8-3-1S")
        # auth_retries: no reboot after 10 tries during this test (test_a_refusing_phone_reboots_...)
        phone = fleet.add("7941", "SCCP41.8-3-1S", mac=MAC, auth_retries=1000)
        self.assertTrue(phone.wait_idle(10), phone.events)
        operator = Operator(self, self.root, syslog.lines, tftpd_requests)
        (walk,) = operator.walk([(phone, ["SIP41.8-5-2SR1S", "SIP41.9-4-2SR3-1S"])], timeout=15)
        self.assertEqual((walk.state, walk.step), ("refused", 0))
        self.assertEqual((phone.load, phone.state, phone.display), ("SCCP41.8-3-1S", REFUSING, "AUTH FAIL"))

        # Left alone it keeps asking, and never for a component.
        lines = syslog.wait_for(lambda lines: sum(
            1 for r in tftpd_requests(lines) if r.name == "SIP41.8-5-2SR1S.loads") >= 5, 10)
        mine = [r.name for r in tftpd_requests(lines) if r.ip == "127.0.0.2"]
        self.assertEqual(mine[:len(TRUST) * 2 + 3], TRUST + [SEP] + TRUST + [SEP, "SIP41.8-5-2SR1S.loads"])
        self.assertTrue(set(mine[len(TRUST) * 2 + 3:]) <= {"SIP41.8-5-2SR1S.loads"}, mine)
        self.assertFalse(set(COMPONENTS_SIP41_852SR1) & set(mine))
        self.assertEqual(phone.boots[-1].rule, "J-04")
        _, _, info = device_information(phone.ip)
        self.assertEqual(info.findtext("versionID"), "SCCP41.8-3-1S")

        # A reset starts the boot again, and the loop with it.
        boots = len(phone.boots)
        self.assertEqual(kick(phone.ip).returncode, 0)
        self.assertTrue(phone.wait_until(lambda p: len(p.boots) == boots + 1 and p.state == REFUSING, 5))
        self.assertEqual(phone.resets, 2)
        self.assertEqual(phone.boots[-1].names, TRUST + [SEP, "SIP41.8-5-2SR1S.loads"])

    def test_d_device_information_x_tells_the_running_load(self):
        stage(self.root, "SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S", "P0S3-8-12-00")
        syslog, server = self.tftpd_with_syslog()
        fleet = self.fleet(server, http=True)
        write_configs(self.root, "7941", MAC, "SCCP41.8-3-1S")
        write_configs(self.root, "7960", "0019E8F41234", "P0S3-07-4-00")
        phone = fleet.add("7941", "SCCP41.8-3-1S", mac=MAC)
        p7960 = fleet.add("7960", "P0S3-07-4-00", mac="00:19:e8:f4:12:34")
        self.assertEqual(fleet.wait_idle(10), [])

        status, content_type, info = device_information(phone.ip)
        self.assertEqual((status, content_type, info.tag), (200, "text/xml", "DeviceInformation"))
        self.assertEqual([child.tag for child in info][:6],
                         ["MACAddress", "HostName", "phoneDN", "appLoadID", "bootLoadID", "versionID"])
        self.assertEqual((info.findtext("MACAddress"), info.findtext("HostName"), info.findtext("modelNumber")),
                         (MAC, f"SEP{MAC}", "CP-7941G"))
        self.assertEqual(info.findtext("versionID"), "SCCP41.8-3-1S")
        _, _, info7960 = device_information(p7960.ip)
        self.assertEqual((info7960.findtext("appLoadID"), info7960.findtext("versionID"),
                          info7960.findtext("modelNumber")), ("P0S3-07-4-00", "7.4(0.0)", "CP-7960"))

        operator = Operator(self, self.root, syslog.lines, tftpd_requests)
        said = {phone.ip: [], p7960.ip: []}
        original = operator._advance

        def advance(walk, by_ip):  # what the phone says each time it has settled on a step
            if walk.step >= 0:
                said[walk.device.ip].append(device_information(walk.device.ip)[2].findtext("versionID"))
            original(walk, by_ip)

        operator._advance = advance
        operator.walk([(phone, ["SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S"]), (p7960, ["P0S3-8-12-00"])])
        self.assertEqual(said, {phone.ip: ["SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S"], p7960.ip: ["8.12(0.0)"]})
        _, _, info = device_information(phone.ip)
        self.assertEqual((info.findtext("versionID"), info.findtext("appLoadID")),
                         ("SIP41.9-4-2SR3-1S", "jar41sip.9-4-2ES26"))
        _, _, info7960 = device_information(p7960.ip)
        self.assertEqual(info7960.findtext("appLoadID"), "P0S3-8-12-00")
        with self.assertRaises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(f"http://{phone.ip}/CGI/Java/Serviceability", timeout=2)
        self.assertEqual(caught.exception.code, 404)

    def test_e_twelve_mixed_phones_against_one_server(self):
        fleet_plan = [
            # model, running load, chain (upgrade-rules.md J-01/J-03/J-06, S-03/S-08)
            ("7941", "SCCP41.8-3-1S", ["SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S"]),
            ("7941", "SCCP41.8-3-1S", ["SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S"]),
            ("7961", "SCCP41.8-3-1S", ["SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S"]),
            ("7961", "SCCP41.8-5-4S", ["SIP41.9-4-2SR3-1S"]),
            ("7942", "SCCP42.8-3-3S", ["SIP42.9-4-2SR3-1S"]),
            ("7942", "SCCP42.8-3-3S", ["SIP42.8-5-4S", "SIP42.9-4-2SR3-1S"]),
            ("7970", "SIP70.8-2-1S", ["SCCP70.8-3-3S", "SIP70.9-4-2SR3-1S"]),
            ("7970", "SCCP70.8-3-3S", ["SIP70.9-4-2SR3-1S"]),
            ("7911", "SCCP11.8-5-2S", ["SIP11.9-4-2SR3-1S"]),
            ("7911", "SCCP11.8-3-3S", ["SIP11.8-5-4S", "SIP11.9-4-2SR3-1S"]),
            ("7960", "P0S3-07-4-00", ["P0S3-8-12-00"]),
            ("7960", "P0S3-06-3-00", ["P0S3-07-4-00", "P0S3-8-12-00"]),
        ]
        stage(self.root, *sorted({load for _, _, chain in fleet_plan for load in chain}))
        syslog, server = self.tftpd_with_syslog(timestamps="rfc3339")
        fleet = self.fleet(server, http=True)
        plan = []
        for model, load, chain in fleet_plan:
            device = fleet.add(model, load)
            plan.append((device, chain))
        self.assertEqual([device.ip for device, _ in plan], [f"127.0.0.{n}" for n in range(2, 14)])
        self.assertEqual(fleet.wait_idle(15), [])

        walks = Operator(self, self.root, syslog.lines, tftpd_requests).walk(plan, timeout=60)
        self.assertEqual([walk.state for walk in walks], ["done"] * 12)
        for device, chain in plan:
            with self.subTest(ip=device.ip, model=device.model):
                self.assertEqual(device.load, chain[-1])
                self.assertEqual(device.phone.history, [device.phone.history[0]] + chain)
                self.assertEqual(device.resets, len(chain))
                info = device_information(device.ip)[2]
                self.assertEqual(info.findtext("appLoadID" if device.model == "7960" else "versionID"),
                                 chain[-1])
        lines = self.settled_log(syslog, tftpd_requests, [device for device, _ in plan])
        seen = tftpd_requests(lines)
        for device, _ in plan:
            with self.subTest(ip=device.ip):
                self.assertLogMatchesPhone(seen, device, {
                    r.name for r in device.phone.requests if r.status == "not-found"})
        for line in (r.line for r in seen):
            self.assertRegex(line, RFC3339_STAMP)
        # formats.md §7.3: a 7960 asks for its P0S3 .loads on every boot.
        for device, _ in plan[10:]:
            loads = [r for r in device.phone.requests if r.name.endswith(".loads")]
            self.assertEqual(len(loads), len(device.boots), device.ip)
            self.assertIn(f"./SIP{device.mac}.cnf", [r.name for r in device.phone.requests])


class Phone7960Rules(unittest.TestCase):
    def test_image_names_and_rules(self):
        self.assertEqual(str(parse_sip_image("P0S3-8-12-00")), "8.12(0)")
        self.assertLess(parse_sip_image("P0S3-07-4-00"), parse_sip_image("P0S3-08-11-00"))
        self.assertLess(parse_sip_image("P0S3-08-11-00"), parse_sip_image("P0S3-8-12-00"))
        cases = [  # running, target, rule (None: accepted); upgrade-rules.md A2
            ("P0S3-07-4-00", "P0S3-8-12-00", None),  # S-08
            ("P0S3-06-3-00", "P0S3-07-4-00", None),  # S-03, one step of the chain
            ("P0S3-05-3-00", "P0S3-06-3-00", None),
            ("P0S3-06-3-00", "P0S3-8-12-00", "S-03"),
            ("P0S3-05-3-00", "P0S3-07-4-00", "S-03"),
            ("P0S3-05-3-00", "P0S3-04-4-00", "S-02"),  # signed -> unsigned
            ("P0S3-8-12-00", "P0S3-07-4-00", None),  # S-04: SIP downgrades go via 7.x
        ]
        for running, target, rule in cases:
            refusal = judge_7960(running, target)
            self.assertEqual(refusal.rule if refusal else None, rule, (running, target))

    def test_loads_body_and_sip_files(self):
        # formats.md §2.2: three LF lines, the last is no file.
        self.assertEqual(manifest_images(b"P003-8-12-00.sbn\nP0S3-8-12-00.sb2\nLA_VERSION=PAS30830\n"),
                         ["P003-8-12-00.sbn", "P0S3-8-12-00.sb2"])
        # formats.md §6.3: key: value, # comments, ; trailing comments, quotes.
        self.assertEqual(parse_sip_cnf(b'# x\nimage_version: "P0S3-8-12-00" ; the image\n'
                                       b"proxy1_address: 10.0.0.1\n\nnot a setting\n"),
                         {"image_version": "P0S3-8-12-00", "proxy1_address": "10.0.0.1"})


class HarnessItself(HarnessTest):
    def test_a_7960_refusing_a_jump_boots_its_old_image(self):
        # S-03: 6.x cannot go straight to 8.x. The TFTP log looks like a settled boot (it ends
        # on dialplan.xml, rollout.md §3); only the phone's web page tells.
        stage(self.root, "P0S3-8-12-00")
        write_configs(self.root, "7960", "0019E8F41234", "P0S3-8-12-00")
        server = self.stack.enter_context(TftpServer(self.root))
        device = self.fleet(server, http=True).add("7960", "P0S3-06-3-00", mac="00:19:e8:f4:12:34")
        self.assertTrue(device.wait_idle(10), device.events)
        (boot,) = device.boots
        self.assertEqual((boot.outcome, boot.rule, device.load, device.display),
                         ("refused", "S-03", "P0S3-06-3-00", "LOAD REFUSED"))
        self.assertEqual(boot.names, ["CTLSEP0019E8F41234.tlv", "SEP0019E8F41234.cnf.xml", "P0S3-8-12-00.loads",
                                      "P003-8-12-00.sbn", "P0S3-8-12-00.sb2", "SIPDefault.cnf",
                                      "./SIP0019E8F41234.cnf", "RINGLIST.DAT", "dialplan.xml"])
        self.assertEqual(device_information(device.ip)[2].findtext("appLoadID"), "P0S3-06-3-00")

    def test_in_tftpd_logs_through_a_private_dev_log(self):
        had_dev_log = os.path.lexists("/dev/log")
        syslog, server = self.tftpd_with_syslog()
        own = os.readlink("/proc/self/ns/mnt")
        self.assertNotEqual(os.readlink(f"/proc/{server.pid}/ns/mnt"), own)
        self.assertEqual(os.path.lexists("/dev/log"), had_dev_log)
        self.assertEqual(list(syslog.dev_dir.iterdir()), [])  # the tmpfs lives in the namespace only
        lines = syslog.wait_for(lambda lines: any(l.endswith("]: sending NAK (1, File not found) to 127.0.0.1")
                                                  for l in lines), 5)
        self.assertTrue(any("]: RRQ from 127.0.0.1 filename fwplan-e2e-probe-does-not-exist" in l for l in lines))
        pids = (syslog.pid, server.pid)
        self.stack.close()
        for pid in pids:
            with self.assertRaises(ProcessLookupError):
                os.kill(pid, 0)
        self.assertEqual(os.path.lexists("/dev/log"), had_dev_log)

    def test_everything_stops_when_the_test_body_fails(self):
        stage(self.root, "SCCP41.8-5-2S")
        with self.assertRaises(ZeroDivisionError):
            with SyslogServer(self.tmp / "syslog") as syslog, TftpServer(self.root, syslog=syslog) as server, \
                    DnsmasqTftp(self.root, self.tmp / "dnsmasq") as other, \
                    Fleet((server.host, server.port), http=True, **PHONE_TIMES) as fleet:
                phone = fleet.add("7941", "SCCP41.8-3-1S", mac=MAC)
                pids = [syslog.pid, server.pid, other.pid]
                1 / 0
        for pid in pids:
            with self.assertRaises(ProcessLookupError):
                os.kill(pid, 0)
        self.assertEqual(phone.state, OFF)
        # Its addresses are free again: another phone can live there at once.
        with PhoneProcess("7941", MAC, "SCCP41.8-3-1S", ip="127.0.0.2", server=("127.0.0.1", 9), http=True,
                          lifetime=1, tftp_timeout=0.05) as again:
            self.assertEqual(again.ip, "127.0.0.2")

    def test_a_phone_lives_no_longer_than_its_lifetime(self):
        start = time.monotonic()
        device = self.stack.enter_context(
            PhoneProcess("7941", MAC, "SCCP41.8-3-1S", ip="127.0.0.2", server=("127.0.0.1", 9),
                         lifetime=0.5, tftp_timeout=0.05))
        self.assertTrue(device.wait_until(lambda p: p.state == OFF, 5))
        self.assertLess(time.monotonic() - start, 3)
        self.assertEqual(device.events[-1][1], "end of lifetime")
        self.assertNotEqual(kick(device.ip, timeout=0.5).returncode, 0)

    def test_a_refusing_phone_reboots_after_its_tries_and_loops_on(self):
        syslog, server = self.tftpd_with_syslog()
        stage(self.root, "SIP41.8-5-2SR1S")
        write_configs(self.root, "7941", MAC, "SIP41.8-5-2SR1S")
        device = self.fleet(server, auth_retries=2, retry_interval=0.05).add("7941", "SCCP41.8-3-1S", mac=MAC)
        self.assertTrue(device.wait_until(lambda p: len(p.boots) >= 3, 10), device.events)
        loop = TRUST + [SEP] + ["SIP41.8-5-2SR1S.loads"] * 3  # the boot's, then 2 tries
        self.assertEqual([r.name for r in device.phone.requests][:2 * len(loop)], loop * 2)
        self.assertIn("gave up after 2 tries; rebooting", [text for _, text in device.events])
        self.assertEqual(device.load, "SCCP41.8-3-1S")

    def test_kick_fails_in_bounded_time_without_a_phone(self):
        start = time.monotonic()
        result = kick("127.0.0.99", timeout=0.8)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("127.0.0.99:5060 did not answer within 0.8 s", result.stderr)
        self.assertLess(time.monotonic() - start, 3)
        self.assertEqual(subprocess.run([sys.executable, str(KICK), "not-an-ip"],
                                        capture_output=True).returncode, 2)

    def test_restart_is_answered_but_is_no_reset(self):
        # rollout.md §5: a firmware step needs a reset, not a restart.
        syslog, server = self.tftpd_with_syslog()
        stage(self.root, "SCCP41.8-5-2S")
        write_configs(self.root, "7941", MAC, "SCCP41.8-5-2S")
        device = self.fleet(server).add("7941", "SCCP41.8-3-1S", mac=MAC)
        self.assertTrue(device.wait_until(lambda p: p.load == "SCCP41.8-5-2S" and p.state == IDLE, 10))
        boots = len(device.boots)
        result = subprocess.run([sys.executable, str(KICK), device.ip, "--action", "restart"],
                                capture_output=True, text=True, timeout=10)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(device.wait_until(lambda p: p.restarts == 1, 2))
        time.sleep(0.3)
        self.assertEqual((len(device.boots), device.resets), (boots, 0))
        # check-sync (7940/7960 form) resets.
        result = subprocess.run([sys.executable, str(KICK), device.ip, "--event", "check-sync"],
                                capture_output=True, text=True, timeout=10)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(device.wait_until(lambda p: len(p.boots) == boots + 1 and p.state == IDLE, 5))
        self.assertEqual(device.resets, 1)


if __name__ == "__main__":
    unittest.main()
