"""End-to-end: a real TFTP server (tftpd-hpa) serving a TFTP root, and a simulated phone
(phone.py) that boots from it and flashes what the configs name, with acceptance rules of
its own. Run by ctest as e2e.tftp; by hand: see README.md beside this file.

- TftpHarness: the server and the client themselves.
- PhoneRules: the phone's load-ID grammar, signed-file reader and acceptance rules.
- TodayScenarios: roots built by hand from testdata (what fwplan stage and emit will do).
- FwplanScenarios: the same story driven by `fwplan stage` and `fwplan emit`; skipped until
  the fwplan under test has both.
"""
import os
import re
import shutil
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import unittest
import xml.etree.ElementTree as ET
import zipfile
from contextlib import ExitStack
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from phone import (MODELS, BadImage, BadLoadId, Phone, Version, image_catalog_from_zips,  # noqa: E402
                   judge, manifest_components, parse_load_id, read_signed)
from tftp_client import FileNotFound, TftpError, TftpTimeout, fetch, probe  # noqa: E402
from tftp_server import TftpServer  # noqa: E402

FWPLAN = os.environ.get("FWPLAN")
SOURCE_DIR = Path(os.environ.get("FWPLAN_SOURCE_DIR", HERE.parents[1]))
TESTDATA = SOURCE_DIR / "testdata"
PACKAGES = TESTDATA / "packages"
TMP_ROOT = Path(os.environ.get("FWPLAN_TEST_TMPDIR", tempfile.gettempdir())) / "e2e"

MAC = "008041AEFD7E"
MAC_COLONS = "00:80:41:ae:fd:7e"
SEP = f"SEP{MAC}.cnf.xml"
TRUST = [f"CTLSEP{MAC}.tlv", f"ITLSEP{MAC}.tlv", "ITLFile.tlv"]

SCCP41_831 = PACKAGES / "cmterm-7941_7961-sccp.8-3-1.zip"
SCCP41_852 = PACKAGES / "cmterm-7941_7961-sccp.8-5-2.zip"
SCCP41_854 = PACKAGES / "cmterm-7941_7961-sccp.8-5-4.zip"
SIP41_831 = PACKAGES / "cmterm-7941_7961-sip.8-3-1.zip"
SIP41_852 = PACKAGES / "cmterm-7941_7961-sip.8-5-2.zip"
SIP41_852SR1 = PACKAGES / "cmterm-7941_7961-sip.8-5-2SR1.zip"
SIP41_942SR3 = PACKAGES / "cmterm-7941_7961-sip.9-4-2SR3-1.zip"

# The component lists, written out (not read from the zips) so that a wrong order fails.
COMPONENTS_SCCP41_852 = ["jar41sccp.8-5-2TH1-9.sbn", "cnu41.8-5-2TH1-9.sbn", "apps41.8-5-2TH1-9.sbn",
                         "dsp41.8-5-2TH1-9.sbn", "cvm41sccp.8-5-2TH1-9.sbn"]
COMPONENTS_SIP41_942SR3 = ["jar41sip.9-4-2ES26.sbn", "cnu41.9-4-2ES26.sbn", "apps41.9-4-2ES26.sbn",
                           "dsp41.9-4-2ES26.sbn", "cvm41sip.9-4-2ES26.sbn"]
COMPONENTS_SCCP41_854 = ["jar41sccp.8-5-4TH1-6.sbn", "cnu41.8-5-4TH1-6.sbn", "apps41.8-5-4TH1-6.sbn",
                         "dsp41.8-5-4TH1-6.sbn", "cvm41sccp.8-5-4TH1-6.sbn"]


# --- helpers ---------------------------------------------------------------------------------------


def zip_entries(path):
    """{base name: bytes} of a firmware zip, folders flattened."""
    with zipfile.ZipFile(path) as archive:
        return {PurePosixPath(info.filename).name: archive.read(info)
                for info in archive.infolist() if not info.is_dir()}


def extract_flat(path, root):
    """Unzip like a hurried admin: folders flattened, later files overwrite earlier ones.
    Returns {name: bytes} of what this zip wrote."""
    entries = zip_entries(path)
    for name, data in entries.items():
        target = Path(root) / name
        target.write_bytes(data)
        target.chmod(0o644)
    return entries


def write_config(root, load, protocol=None, name=SEP):
    """A firmware-switching SEP<MAC>.cnf.xml (docs/phone-files.md §6.1 skeleton), replaced atomically
    so a phone never reads half a file."""
    proto = f"  <deviceProtocol>{protocol}</deviceProtocol>\n" if protocol else ""
    text = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<device>\n"
            f"{proto}  <loadInformation>{load}</loadInformation>\n</device>\n")
    temp = Path(root) / f".{name}.tmp"
    temp.write_text(text, encoding="utf-8")
    temp.chmod(0o644)
    os.replace(temp, Path(root) / name)
    return text.encode("utf-8")


def boot_requests(load, components, config=SEP):
    """What a phone asks for when it boots and flashes `load` (docs/phone-files.md §7.1)."""
    return TRUST + [config, f"{load}.loads"] + components


def settled_requests(config=SEP):
    """What it asks for when the config names the load it already runs."""
    return TRUST + [config]


def run_fwplan(*args):
    completed = subprocess.run([FWPLAN, *map(str, args)], capture_output=True, text=True, timeout=300)
    return completed


def describe(results):
    return "\n".join(str(result) for result in results)


class E2ETest(unittest.TestCase):
    """A scratch folder (self.tmp) holding an empty TFTP root (self.root), and serve() to
    run in.tftpd on it until the test ends, whatever happens."""

    def setUp(self):
        TMP_ROOT.mkdir(parents=True, exist_ok=True)
        self._tmp = tempfile.TemporaryDirectory(dir=TMP_ROOT)
        self.addCleanup(self._tmp.cleanup)
        self.tmp = Path(self._tmp.name)
        self.root = self.tmp / "tftp"
        self.root.mkdir()
        self._stack = ExitStack()
        self.addCleanup(self._stack.close)

    def serve(self, root=None):
        server = self._stack.enter_context(TftpServer(root or self.root))
        return server

    def phone(self, server, load, model="7941", mac=MAC_COLONS, catalog=None):
        return Phone(model, mac, load, server=(server.host, server.port), catalog=catalog)

    def assertFetchedBytesMatch(self, phone, sources):
        """Every file the phone fetched is byte-identical to its source: zip entries, or
        configs the test wrote (sources: {name: bytes}, later wins like extraction)."""
        self.assertTrue(phone.received)
        for name, data in phone.received.items():
            self.assertIn(name, sources, f"the phone fetched {name}, which no source provides")
            self.assertEqual(data, sources[name], f"{name} differs from its source")


# --- the server and the client -------------------------------------------------------------------


class TftpHarness(E2ETest):
    def test_reads_files_in_blocks_of_the_negotiated_size(self):
        payload = bytes(range(256)) * 12  # 3072 bytes
        (self.root / "blob.bin").write_bytes(payload)
        (self.root / "blob.bin").chmod(0o644)
        server = self.serve()
        for blksize, blocks in ((512, 7), (1468, 3), (None, 7)):
            transfer = fetch(server.host, server.port, "blob.bin", blksize=blksize)
            self.assertEqual(transfer.data, payload)
            self.assertEqual(transfer.blksize, blksize or 512)
            # 3072 = 6 x 512: the end is marked by an empty 7th block.
            self.assertEqual(transfer.blocks, blocks)
            self.assertEqual(transfer.tsize, 3072)

    def test_missing_file_is_file_not_found_with_the_servers_message(self):
        server = self.serve()
        with self.assertRaises(FileNotFound) as caught:
            fetch(server.host, server.port, "SEP000000000000.cnf.xml")
        self.assertEqual(caught.exception.code, 1)
        self.assertEqual(caught.exception.server_message, "File not found")
        self.assertIn("SEP000000000000.cnf.xml", str(caught.exception))

    def test_a_file_that_is_not_world_readable_is_refused_not_missing(self):
        # The reason staged files must be o+r: tftpd-hpa serves nothing else.
        (self.root / "jar41sip.9-4-2ES26.sbn").write_bytes(b"x" * 100)
        (self.root / "jar41sip.9-4-2ES26.sbn").chmod(0o600)
        server = self.serve()
        with self.assertRaises(TftpError) as caught:
            fetch(server.host, server.port, "jar41sip.9-4-2ES26.sbn")
        self.assertNotIsInstance(caught.exception, FileNotFound)
        self.assertEqual(caught.exception.code, 2)
        self.assertIn("global read permissions", caught.exception.server_message)

    def test_the_root_is_a_chroot(self):
        server = self.serve()
        for name in ("/etc/passwd", "../../../../etc/passwd"):
            with self.assertRaises(FileNotFound, msg=name):
                fetch(server.host, server.port, name)

    def test_the_server_is_stopped_when_the_test_body_fails(self):
        with self.assertRaises(ZeroDivisionError):
            with TftpServer(self.root) as server:
                pid, port = server.pid, server.port
                self.assertTrue(probe(server.host, port))
                1 / 0
        self.assertFalse(server.running)
        with self.assertRaises(ProcessLookupError):
            os.kill(pid, 0)
        self.assertFalse(probe("127.0.0.1", port))

    def test_silence_is_a_timeout(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as quiet:
            quiet.bind(("127.0.0.1", 0))  # holds the port, never answers
            with self.assertRaises(TftpTimeout) as caught:
                fetch("127.0.0.1", quiet.getsockname()[1], "x", timeout=0.05, retries=2)
        self.assertIn("after 2 retransmissions", str(caught.exception))

    def scripted(self, script):
        """Run `script(listener, tid)` in a thread as a fake TFTP server: `listener` is where
        the RRQ arrives, `tid` a second socket to answer from. Returns the listening port and
        the thread (join it before looking at what the script saw)."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        tid = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for sock in (listener, tid):
            sock.bind(("127.0.0.1", 0))
            sock.settimeout(5)
            self.addCleanup(sock.close)
        thread = threading.Thread(target=script, args=(listener, tid), daemon=True)
        thread.start()
        self.addCleanup(thread.join, 10)
        return listener.getsockname()[1], thread

    def test_lost_packets_are_sent_again(self):
        # The fake server ignores the first RRQ, answers the second from a new port, and
        # sends block 1 twice (as if our ACK got lost). The client must retransmit the RRQ,
        # ACK the duplicate again, and assemble the file once.
        seen = []

        def script(listener, tid):
            listener.recvfrom(600)  # dropped
            packet, client = listener.recvfrom(600)
            seen.append(packet)
            for block, data in ((1, b"a" * 512), (1, b"a" * 512), (2, b"bc")):
                tid.sendto(struct.pack("!HH", 3, block) + data, client)
                seen.append(tid.recvfrom(600)[0])

        port, thread = self.scripted(script)
        transfer = fetch("127.0.0.1", port, "f.bin", blksize=None, tsize=False, timeout=0.2, retries=3)
        thread.join(10)
        self.assertEqual(transfer.data, b"a" * 512 + b"bc")
        self.assertEqual(transfer.retransmissions, 1)
        self.assertEqual(seen[0], b"\x00\x01f.bin\x00octet\x00")
        acks = [struct.pack("!HH", 4, block) for block in (1, 1, 2)]
        self.assertEqual(seen[1:], acks)

    def test_option_answers_are_checked(self):
        requests = []

        def oack_then(options, data):
            def script(listener, tid):
                packet, client = listener.recvfrom(600)
                requests.append(packet)
                tid.sendto(struct.pack("!H", 6) + options, client)
                if tid.recvfrom(600)[0] == struct.pack("!HH", 4, 0):
                    tid.sendto(struct.pack("!HH", 3, 1) + data, client)
                    tid.recvfrom(600)
            return script

        port, _ = self.scripted(oack_then(b"tsize\x0010\x00", b"ab"))
        with self.assertRaisesRegex(TftpError, "announced tsize 10 but sent 2 bytes"):
            fetch("127.0.0.1", port, "f.bin", blksize=512, timeout=0.5)
        port, _ = self.scripted(oack_then(b"blksize\x001024\x00", b"ab"))
        with self.assertRaisesRegex(TftpError, "blksize 1024, more than the 512"):
            fetch("127.0.0.1", port, "f.bin", blksize=512, timeout=0.5)
        port, thread = self.scripted(oack_then(b"blksize\x00512\x00tsize\x002\x00", b"ab"))
        transfer = fetch("127.0.0.1", port, "f.bin", blksize=512, timeout=0.5)
        thread.join(10)
        self.assertEqual((transfer.data, transfer.tsize, transfer.options),
                         (b"ab", 2, {"blksize": "512", "tsize": "2"}))
        self.assertEqual(requests, [b"\x00\x01f.bin\x00octet\x00blksize\x00512\x00tsize\x000\x00"] * 3)


# --- the phone's own rules (no server) ----------------------------------------------------------------


class PhoneRules(unittest.TestCase):
    def test_load_id_grammar(self):
        load = parse_load_id("SIP41.9-4-2SR3-1S")
        self.assertEqual((load.protocol, load.family, load.version),
                         ("SIP", "41", Version(9, 4, 2, 3, 1)))
        self.assertEqual(str(load.version), "9.4(2)SR3")
        self.assertEqual(parse_load_id("SCCP41.8-5-2S").version, Version(8, 5, 2))
        self.assertEqual(parse_load_id("SIP41.8-5-2SR1S").version, Version(8, 5, 2, 1))
        self.assertEqual(parse_load_id("SIP70.8-0-1-11S").version, Version(8, 0, 1, 0, 11))
        for bad in ("SIP41.9-4-2SR3-1", "SIP41.9-4-2ES26", "sip41.9-4-2S", "P0S3-8-12-00",
                    "SIP41.9-4S", ""):
            with self.assertRaises(BadLoadId, msg=bad):
                parse_load_id(bad)

    def test_cisco_version_order(self):
        ordered = ["SCCP41.8-3-1S", "SCCP41.8-3-3S", "SCCP41.8-5-2S", "SIP41.8-5-2SR1S", "SCCP41.8-5-3S",
                   "SIP41.9-4-2-1S", "SCCP41.9-4-2SR1-1S", "SIP41.9-4-2SR3-1S", "SCCP45.9-4-2SR4-3S"]
        versions = [parse_load_id(load).version for load in ordered]
        self.assertEqual(versions, sorted(versions))
        self.assertEqual(len(set(versions)), len(versions))

    def test_acceptance_rules(self):
        m7941 = MODELS["7941"]
        cases = [
            # running, target, refusal rule (None: accepted)
            ("SCCP41.8-3-1S", "SCCP41.8-5-2S", None),  # J-01/J-04 bridge: plain 8.5(2)
            ("SCCP41.8-3-1S", "SIP41.8-5-2S", None),
            ("SCCP41.8-3-1S", "SIP41.8-5-2SR1S", "J-04"),  # SR1 is already the new key
            ("SCCP41.8-3-1S", "SCCP41.8-5-3S", "J-01"),
            ("SCCP41.8-3-1S", "SIP41.9-4-2SR3-1S", "J-01"),
            ("SIP41.8-3-1S", "SIP41.9-4-2SR3-1S", "J-01"),  # any protocol
            ("SCCP41.8-3-3S", "SIP41.9-4-2SR3-1S", None),  # J-03: 8.3(3) is already enough
            ("SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S", None),
            ("SCCP41.8-5-4S", "SIP41.9-4-2SR3-1S", None),
            ("SIP41.9-4-2SR3-1S", "SCCP41.8-5-2S", None),  # downgrades are not the phone's concern
            ("SCCP41.8-3-1S", "SIP42.8-5-2S", "family"),
        ]
        for running, target, rule in cases:
            refusal = judge(m7941, parse_load_id(running), parse_load_id(target))
            with self.subTest(running=running, target=target):
                if rule is None:
                    self.assertIsNone(refusal)
                else:
                    self.assertIsNotNone(refusal)
                    self.assertEqual(refusal.rule, rule)
                    display = "AUTH FAIL" if rule.startswith("J-") else "LOAD ID INCORRECT"
                    self.assertEqual(refusal.display, display)
        # Every Java 79xx family has the key change.
        for model, running, target in (("7970", "SIP70.8-2-1S", "SIP70.9-4-2SR3-1S"),
                                       ("7911", "SCCP11.8-3-1S", "SIP11.8-5-2SR1S"),
                                       ("7975", "SCCP75.8-3-1S", "SCCP75.9-4-2SR4-3S")):
            refusal = judge(MODELS[model], parse_load_id(running), parse_load_id(target))
            self.assertEqual(refusal.display if refusal else None, "AUTH FAIL", model)

    def test_signed_header_and_manifest_body(self):
        name, body = read_signed((TESTDATA / "loose" / "SIP41.8-5-4S.loads").read_bytes())
        self.assertEqual(name, "SIP41.8-5-4S.loads")
        self.assertEqual(len(body), 650 - 404)  # docs/phone-files.md §1.2: header 0x194
        self.assertEqual(manifest_components(body), ["jar41sip.8-5-4TH1-6.sbn", "cnu41.8-5-4TH1-6.sbn",
                                                     "apps41.8-5-4TH1-6.sbn", "dsp41.8-5-4TH1-6.sbn",
                                                     "cvm41sip.8-5-4TH1-6.sbn"])
        name, _ = read_signed((TESTDATA / "loose" / "apps41.8-5-4TH1-6.sbn").read_bytes())
        self.assertEqual(name, "apps41.8-5-4TH1-6.sbn")
        self.assertEqual(manifest_components(b"# c\r\n#HARDWARE_COMP_1 5\r\n\r\na.sbn \r\nb.sbn\n"),
                         ["a.sbn", "b.sbn"])

    def test_broken_headers_are_refused(self):
        for name in ("empty.loads", "garbage.loads", "header-length-exceeds-file.loads",
                     "missing-tag2.loads", "tlv-runs-past-header.loads", "truncated-header.loads",
                     "length-wraps.loads"):
            with self.assertRaises(BadImage, msg=name):
                read_signed((TESTDATA / "broken" / name).read_bytes())

    def test_image_catalog_knows_loads_by_their_components(self):
        catalog = image_catalog_from_zips([SCCP41_854, SIP41_942SR3])
        self.assertEqual(catalog, {tuple(COMPONENTS_SCCP41_854): "SCCP41.8-5-4S",
                                   tuple(COMPONENTS_SIP41_942SR3): "SIP41.9-4-2SR3-1S"})

    def test_models_and_their_files(self):
        for model, number, term in (("7941", 115, "term41.default.loads"),
                                    ("7961", 30018, "term61.default.loads")):
            self.assertEqual((MODELS[model].xml_default_number, MODELS[model].term_file), (number, term))
        self.assertEqual((MODELS["7942"].xml_default_number, MODELS["7942"].family), (434, "42"))


# --- scenarios over a root built by hand ------------------------------------------------------------


class TodayScenarios(E2ETest):
    def test_a_two_step_upgrade_sccp_8_3_1_to_sip_9_4_2sr3_via_sccp_8_5_2(self):
        sources = {}
        sources.update(extract_flat(SCCP41_852, self.root))
        sources.update(extract_flat(SIP41_942SR3, self.root))
        sources[SEP] = write_config(self.root, "SCCP41.8-5-2S")
        server = self.serve()
        phone = self.phone(server, "SCCP41.8-3-1S")

        # Step 1: the bridge. The phone flashes, reboots and finds itself current.
        results = phone.boot_until_settled()
        self.assertEqual([r.outcome for r in results], ["flashed", "current"], describe(results))
        self.assertEqual(results[0].names, boot_requests("SCCP41.8-5-2S", COMPONENTS_SCCP41_852))
        self.assertTrue(all(r.status == "ok" for r in results[0].requests[3:]), describe(results))
        self.assertEqual([r.status for r in results[0].requests[:3]], ["not-found"] * 3)
        self.assertEqual(results[1].names, settled_requests())
        self.assertEqual(phone.load, "SCCP41.8-5-2S")
        self.assertEqual(phone.image, {name: sources[name] for name in COMPONENTS_SCCP41_852})
        self.assertFetchedBytesMatch(phone, sources)

        # Step 2: the final config replaces the first one; the phone is rebooted.
        sources[SEP] = write_config(self.root, "SIP41.9-4-2SR3-1S", protocol="SIP")
        results = phone.boot_until_settled()
        self.assertEqual([r.outcome for r in results], ["flashed", "current"], describe(results))
        self.assertEqual(results[0].names, boot_requests("SIP41.9-4-2SR3-1S", COMPONENTS_SIP41_942SR3))
        self.assertEqual(results[0].config_protocol, "SIP")
        self.assertEqual(phone.load, "SIP41.9-4-2SR3-1S")
        self.assertEqual(phone.protocol, "SIP")
        self.assertEqual(phone.image, {name: sources[name] for name in COMPONENTS_SIP41_942SR3})
        self.assertEqual(phone.history, ["SCCP41.8-3-1S", "SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S"])
        self.assertFetchedBytesMatch(phone, sources)

    def test_b_the_final_config_straight_away_is_auth_fail(self):
        extract_flat(SCCP41_852, self.root)
        extract_flat(SIP41_942SR3, self.root)
        write_config(self.root, "SIP41.9-4-2SR3-1S", protocol="SIP")
        server = self.serve()
        phone = self.phone(server, "SCCP41.8-3-1S")
        for _ in range(2):  # it tries again on every boot, and fails again
            result = phone.boot()
            self.assertEqual(result.outcome, "refused", result)
            self.assertEqual(result.rule, "J-01")
            self.assertTrue(result.error.startswith("AUTH FAIL: "), result.error)
            self.assertEqual(result.names, boot_requests("SIP41.9-4-2SR3-1S", COMPONENTS_SIP41_942SR3))
            self.assertEqual(phone.load, "SCCP41.8-3-1S")
            self.assertEqual(phone.display, "AUTH FAIL")
        self.assertEqual(phone.history, ["SCCP41.8-3-1S"])
        self.assertEqual(phone.image, {})

    def test_b_sr1_is_no_bridge_but_plain_8_5_2_is(self):
        # J-04: the blocked range starts at 8.5(2)SR1, not at 8.5(3).
        extract_flat(SIP41_852SR1, self.root)
        extract_flat(SIP41_852, self.root)
        server = self.serve()
        phone = self.phone(server, "SCCP41.8-3-1S")
        write_config(self.root, "SIP41.8-5-2SR1S", protocol="SIP")
        result = phone.boot()
        self.assertEqual((result.outcome, result.rule, phone.load), ("refused", "J-04", "SCCP41.8-3-1S"),
                         result)
        write_config(self.root, "SIP41.8-5-2S", protocol="SIP")
        results = phone.boot_until_settled()
        self.assertEqual(phone.load, "SIP41.8-5-2S", describe(results))
        # ...and from there SR1 is fine.
        write_config(self.root, "SIP41.8-5-2SR1S", protocol="SIP")
        results = phone.boot_until_settled()
        self.assertEqual(phone.load, "SIP41.8-5-2SR1S", describe(results))

    def _clashed_root(self):
        """SCCP 8.5(4) unzipped, then SIP 9.4(2)SR3 over it: the later term41/term61 win."""
        sccp = extract_flat(SCCP41_854, self.root)
        sip = extract_flat(SIP41_942SR3, self.root)
        for term in ("term41.default.loads", "term61.default.loads"):
            self.assertEqual((self.root / term).read_bytes(), sip[term])
            self.assertNotEqual(sccp[term], sip[term])
        sources = dict(sccp)
        sources.update(sip)
        return sources

    def test_c_factory_reset_installs_what_the_last_unzipped_term_file_names(self):
        sources = self._clashed_root()
        server = self.serve()
        catalog = image_catalog_from_zips([SCCP41_854, SIP41_942SR3])
        for model, term in (("7941", "term41.default.loads"), ("7961", "term61.default.loads")):
            with self.subTest(model=model):
                phone = self.phone(server, "SCCP41.8-5-4S", model=model, catalog=catalog)
                result = phone.factory_reset()
                self.assertEqual(result.outcome, "flashed", result)
                self.assertEqual(result.names, [term] + COMPONENTS_SIP41_942SR3)
                self.assertEqual(result.target, "SIP41.9-4-2SR3-1S")
                self.assertEqual(phone.load, "SIP41.9-4-2SR3-1S")
                self.assertFetchedBytesMatch(phone, sources)
                # After the reset it boots normally; with no config at all it says so.
                after = phone.boot()
                self.assertEqual(after.names, TRUST + [SEP, "XMLDefault.cnf.xml"])
                self.assertEqual(after.outcome, "failed")
                self.assertEqual(phone.load, "SIP41.9-4-2SR3-1S")

    def test_c_the_clash_bricks_a_reset_phone_below_8_3_3(self):
        # The danger fwplan's audit warns about: the SIP 9.4(2)SR3 term file is AUTH FAIL
        # for a reset phone still on 8.3(1).
        self._clashed_root()
        server = self.serve()
        catalog = image_catalog_from_zips([SCCP41_854, SIP41_942SR3])
        phone = self.phone(server, "SCCP41.8-3-1S", catalog=catalog)
        result = phone.factory_reset()
        self.assertEqual((result.outcome, result.rule), ("refused", "J-01"), result)
        self.assertTrue(result.error.startswith("AUTH FAIL"))
        self.assertEqual(result.names, ["term41.default.loads"] + COMPONENTS_SIP41_942SR3)
        self.assertEqual(phone.load, "SCCP41.8-3-1S")

    def test_c_without_the_clash_the_reset_phone_gets_the_sccp_load(self):
        extract_flat(SCCP41_854, self.root)
        server = self.serve()
        catalog = image_catalog_from_zips([SCCP41_854, SIP41_942SR3])
        phone = self.phone(server, "SCCP41.8-3-3S", catalog=catalog)
        result = phone.factory_reset()
        self.assertEqual(result.outcome, "flashed", result)
        self.assertEqual(result.names, ["term41.default.loads"] + COMPONENTS_SCCP41_854)
        self.assertEqual(phone.load, "SCCP41.8-5-4S")

    def test_xmldefault_when_there_is_no_sep_file(self):
        extract_flat(SCCP41_852, self.root)
        extract_flat(SIP41_942SR3, self.root)
        (self.root / "XMLDefault.cnf.xml").write_text(
            "<Default>\n"
            "  <loadInformation115 model=\"Cisco 7941\">SCCP41.8-5-2S</loadInformation115>\n"
            "  <loadInformation30018 model=\"Cisco 7961\">SIP41.9-4-2SR3-1S</loadInformation30018>\n"
            "</Default>\n")
        (self.root / "XMLDefault.cnf.xml").chmod(0o644)
        server = self.serve()
        m7941 = self.phone(server, "SCCP41.8-3-1S", model="7941")
        m7961 = self.phone(server, "SCCP41.8-5-4S", model="7961", mac="00:80:41:00:00:61")
        results = m7941.boot_until_settled()
        self.assertEqual(results[0].names, TRUST + [SEP, "XMLDefault.cnf.xml", "SCCP41.8-5-2S.loads"]
                         + COMPONENTS_SCCP41_852)
        self.assertEqual(results[0].config_file, "XMLDefault.cnf.xml")
        self.assertEqual(m7941.load, "SCCP41.8-5-2S")
        m7961.boot_until_settled()
        self.assertEqual(m7961.load, "SIP41.9-4-2SR3-1S")
        self.assertEqual(m7961.requests[3].name, "SEP008041000061.cnf.xml")
        # The phone keys on its model number: nothing for a 7942 (434) here.
        m7942 = self.phone(server, "SCCP42.8-3-1S", model="7942", mac="00:80:41:00:00:42")
        result = m7942.boot()
        self.assertEqual((result.outcome, result.config_file, result.config_load),
                         ("current", "XMLDefault.cnf.xml", None))
        # An XMLDefault that is not one is rejected.
        (self.root / "XMLDefault.cnf.xml").write_text(
            "<device><loadInformation>SCCP41.8-5-2S</loadInformation></device>")
        result = self.phone(server, "SCCP41.8-3-1S").boot()
        self.assertEqual(result.error,
                         "CONFIG REJECTED: XMLDefault.cnf.xml: root element is <device>, not <Default>")

    def test_phone_side_failures_the_audit_is_about(self):
        # Case mismatch (docs/phone-files.md §2.1): the 8.3(1) SIP .loads asks for Jar41sip..., the
        # zip ships jar41sip...; a case-sensitive server says no.
        extract_flat(SIP41_831, self.root)
        write_config(self.root, "SIP41.8-3-1S", protocol="SIP")
        server = self.serve()
        phone = self.phone(server, "SCCP41.8-3-1S")
        result = phone.boot()
        self.assertEqual(result.outcome, "failed", result)
        self.assertEqual(result.error, "FILE NOT FOUND: Jar41sip.8-3-0-50.sbn: File not found")
        self.assertEqual(phone.load, "SCCP41.8-3-1S")

        # A .loads renamed to what the config asks for: its signature names another file.
        renamed = self.root / "SIP41.9-4-2SR3-1S.loads"
        shutil.copyfile(TESTDATA / "broken" / renamed.name, renamed)
        renamed.chmod(0o644)
        write_config(self.root, "SIP41.9-4-2SR3-1S", protocol="SIP")
        phone = self.phone(server, "SCCP41.8-5-2S")
        result = phone.boot()
        self.assertEqual(result.error,
                         "IMAGE AUTH FAIL: SIP41.9-4-2SR3-1S.loads is signed as 'SIP41.8-5-4S.loads'")
        self.assertEqual(result.names[-1], "SIP41.9-4-2SR3-1S.loads")

        # A staged component the server may not read (not world-readable).
        extract_flat(SCCP41_852, self.root)
        (self.root / "dsp41.8-5-2TH1-9.sbn").chmod(0o600)
        write_config(self.root, "SCCP41.8-5-2S")
        phone = self.phone(server, "SCCP41.8-3-1S")
        result = phone.boot()
        self.assertEqual(result.outcome, "failed")
        self.assertEqual(result.error,
                         "TFTP ERROR: dsp41.8-5-2TH1-9.sbn: File must have global read permissions")
        self.assertEqual(result.names[-1], "dsp41.8-5-2TH1-9.sbn")

        # A config that is not XML is rejected whole; the phone keeps its load.
        (self.root / SEP).write_text("<device><loadInformation>SCCP41.8-5-2S</loadInformation>")
        result = phone.boot()
        self.assertEqual(result.outcome, "failed")
        self.assertTrue(result.error.startswith(f"CONFIG REJECTED: {SEP}:"), result.error)
        self.assertEqual(result.names, settled_requests())
        (self.root / SEP).write_text(
            "<Default><loadInformation115>SCCP41.8-5-2S</loadInformation115></Default>")
        result = phone.boot()
        self.assertEqual(result.error,
                         f"CONFIG REJECTED: {SEP}: root element is <Default>, not <device>")
        self.assertEqual(phone.load, "SCCP41.8-3-1S")


# --- the same story, driven by fwplan ----------------------------------------------------------------




def step_number(path):
    match = re.match(r"step-(\d+)", path.parent.name)
    return int(match.group(1)) if match else 10**9


def load_in(config_path):
    return ET.parse(config_path).getroot().findtext("loadInformation").strip()


class FwplanScenarios(E2ETest):
    PACKAGES = [SCCP41_852, SIP41_942SR3]

    def stage(self, factory_default):
        run = run_fwplan("stage", "--tftp-root", self.root, *self.PACKAGES,
                         "--factory-default", factory_default)
        self.assertEqual(run.returncode, 0,
                         f"fwplan stage -> {run.returncode}\n{run.stdout}{run.stderr}")
        # tftpd-hpa serves world-readable files only. (Hidden bookkeeping is not for phones.)
        for path in self.root.rglob("*"):
            hidden = any(part.startswith(".") for part in path.relative_to(self.root).parts)
            if path.is_file() and not hidden:
                self.assertTrue(path.stat().st_mode & stat.S_IROTH, f"{path} is not world-readable")
        sources = {}
        for package in self.PACKAGES:
            sources.update(zip_entries(package))
        return sources

    def test_d_stage_and_emit_take_a_7941_from_sccp_8_3_1_to_sip_9_4_2sr3(self):
        sources = self.stage("SIP41.9-4-2SR3-1S")
        configs = self.tmp / "configs"
        run = run_fwplan("emit", "--mac", MAC_COLONS, "--model", "7941", "--from", "SCCP41.8-3-1S",
                         "--to", "SIP41.9-4-2SR3-1S", "--out", configs)
        self.assertEqual(run.returncode, 0, f"fwplan emit -> {run.returncode}\n{run.stdout}{run.stderr}")
        steps = sorted(configs.glob(f"step-*-*/{SEP}"), key=step_number)
        self.assertGreaterEqual(len(steps), 2,
                                f"expected a bridge step; emit wrote {sorted(configs.rglob('*'))}")
        self.assertEqual(load_in(steps[-1]), "SIP41.9-4-2SR3-1S")

        server = self.serve()
        phone = self.phone(server, "SCCP41.8-3-1S")
        for step in steps:
            load = load_in(step)
            with self.subTest(step=step.parent.name, load=load):
                self.assertTrue((self.root / f"{load}.loads").is_file(),
                                f"{step.parent.name} names {load}, "
                                "which stage did not put into the root")
                shutil.copyfile(step, self.root / SEP)
                (self.root / SEP).chmod(0o644)
                results = phone.boot_until_settled()
                self.assertEqual([r.outcome for r in results], ["flashed", "current"], describe(results))
                self.assertEqual(phone.load, load)
                sources[SEP] = step.read_bytes()
                # Staging copies firmware byte for byte: what the phone got is the zip's entry.
                self.assertFetchedBytesMatch(phone, sources)
        self.assertEqual(phone.load, "SIP41.9-4-2SR3-1S")
        self.assertEqual(phone.image, {name: sources[name] for name in COMPONENTS_SIP41_942SR3})

    def test_d_a_reset_phone_gets_the_factory_default_load(self):
        self.stage("SIP41.9-4-2SR3-1S")
        server = self.serve()
        catalog = image_catalog_from_zips(self.PACKAGES)
        for model, term in (("7941", "term41.default.loads"), ("7961", "term61.default.loads")):
            with self.subTest(model=model):
                phone = self.phone(server, "SCCP41.8-5-2S", model=model, catalog=catalog)
                result = phone.factory_reset()
                self.assertEqual(result.outcome, "flashed", result)
                self.assertEqual(result.names, [term] + COMPONENTS_SIP41_942SR3)
                self.assertEqual(phone.load, "SIP41.9-4-2SR3-1S")

    def test_d_a_safe_factory_default_keeps_old_phones_alive(self):
        # --factory-default SCCP41.8-5-2S: even a reset phone on 8.3(1) can take it.
        self.stage("SCCP41.8-5-2S")
        server = self.serve()
        phone = self.phone(server, "SCCP41.8-3-1S", catalog=image_catalog_from_zips(self.PACKAGES))
        result = phone.factory_reset()
        self.assertEqual(result.outcome, "flashed", result)
        self.assertEqual(result.names, ["term41.default.loads"] + COMPONENTS_SCCP41_852)
        self.assertEqual(phone.load, "SCCP41.8-5-2S")


if __name__ == "__main__":
    unittest.main()
