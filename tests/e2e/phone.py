"""A simulated Cisco Java 79xx desk phone (7906/7911, 7941/7961, 7942/7962, 7945/7965,
7970/7971, 7975) that boots from a TFTP server the way the domain notes describe, so the
end-to-end tests can check what fwplan stages and emits against a "phone", not against
fwplan's own idea of what a phone does.

Independence is the point: nothing here imports or calls fwplan. The model table, the
load-ID grammar and the acceptance rules are written out again below, from the domain notes
(docs/phone-files.md §1, §2, §6.2, §7; rules J-01/J-04 of fwplan catalog), so a wrong rule in fwplan's
planner shows up as a phone that refuses its load.

What the phone does (README.md has the sources):
- boot (docs/phone-files.md §7.1): CTLSEP<MAC>.tlv, ITLSEP<MAC>.tlv, ITLFile.tlv (missing is fine),
  SEP<MAC>.cnf.xml, else XMLDefault.cnf.xml (<loadInformation<NNN>> for its model number);
  when <loadInformation> differs from the running load: <LOAD>.loads, then every component
  it lists, in order; each must be non-empty and signed (TLV tag 14) with its own name;
  then the acceptance rules decide: flash and reboot, or show an error and keep the load;
- factory reset (§7.2): term<NN>.default.loads for its model, the components it lists,
  the same rules; the load a term file stands for is looked up by its component list in an
  image catalog (what a real phone would read out of the images themselves);
- a log of every request, in order.

For the long-lived devices of device.py (a phone on its own 127.0.0.N that idles until it
is reset) the phone also takes: `source` (the address it sends from, which the server logs),
`interrupt` (asked before every request; True means "you were reset": PowerCycle ends the
pass), `refuse_at="loads"` (an acceptance rule refuses as soon as the .loads is read, with no
component fetched: the AUTH FAIL loop of rollout.md §3) and `aux_files=True` (after a boot
that changed nothing, the files a phone reads after its config: formats.md §7.1 item 7).

Example:
    with TftpServer(root) as server:
        phone = Phone("7941", "00:80:41:ae:fd:7e", "SCCP41.8-3-1S", server=(server.host, server.port))
        results = phone.boot_until_settled()
        assert phone.load == "SCCP41.8-5-2S", results[-1].error
        print([request.name for request in phone.requests])
"""
import argparse
import re
import struct
import sys
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Optional

from tftp_client import FileNotFound, TftpError, TftpTimeout, fetch

# --- models (docs/phone-files.md §2.1, §4.3, §6.2, §7.2) ---------------------------------------------


@dataclass(frozen=True)
class Model:
    name: str
    family: str  # the two-digit code in load IDs and component names
    xml_default_number: int  # <loadInformation<NNN>> in XMLDefault.cnf.xml (CUCM tkmodel)
    term_file: str  # what a factory-reset phone asks for


MODELS = {m.name: m for m in (
    Model("7906", "11", 369, "term06.default.loads"),
    Model("7911", "11", 307, "term11.default.loads"),
    Model("7941", "41", 115, "term41.default.loads"),
    Model("7961", "41", 30018, "term61.default.loads"),
    Model("7942", "42", 434, "term42.default.loads"),
    Model("7962", "42", 404, "term62.default.loads"),
    Model("7945", "45", 435, "term45.default.loads"),
    Model("7965", "45", 436, "term65.default.loads"),
    Model("7970", "70", 30006, "term70.default.loads"),
    Model("7971", "70", 119, "term71.default.loads"),
    Model("7975", "75", 437, "term75.default.loads"),
)}

# What DeviceInformationX reports as <modelNumber> (a 7940's page says `CP-7940`;
# the Java phones' SIP User-Agent says `Cisco-CP7970G`, so the G is kept for them).
MODEL_NUMBERS = {
    "7906": "CP-7906G", "7911": "CP-7911G", "7941": "CP-7941G", "7961": "CP-7961G",
    "7942": "CP-7942G", "7962": "CP-7962G", "7945": "CP-7945G", "7965": "CP-7965G",
    "7970": "CP-7970G", "7971": "CP-7971G-GE", "7975": "CP-7975G",
}

# The rules (fwplan catalog): the Java 79xx families the signing-key change (J-01/J-04) applies to.
JAVA_79XX_FAMILIES = frozenset({"11", "41", "42", "45", "70", "75"})

# --- load IDs (docs/phone-files.md §5) ---------------------------

LOAD_ID = re.compile(
    r"^(?P<protocol>SCCP|SIP)(?P<family>\d\d)\."
    r"(?P<major>\d+)-(?P<minor>\d+)-(?P<maint>\d+)"
    r"(?:SR(?P<sr>\d+))?(?:-(?P<build>\d+))?S$")


@dataclass(frozen=True, order=True)
class Version:
    """major.minor(maint)[SRk], ordered as Cisco orders them: 8.5(2) < 8.5(2)SR1 < 8.5(3).
    The trailing build number (-n) only breaks ties."""

    major: int
    minor: int
    maint: int
    sr: int = 0
    build: int = 0

    def __str__(self):
        text = f"{self.major}.{self.minor}({self.maint})"
        return text + (f"SR{self.sr}" if self.sr else "")


@dataclass(frozen=True)
class LoadId:
    raw: str
    protocol: str
    family: str
    version: Version


class BadLoadId(ValueError):
    pass


def parse_load_id(text):
    """SCCP41.8-5-2S, SIP41.9-4-2SR3-1S, SIP41.8-5-2SR1S, SIP70.8-0-1-11S ... -> LoadId."""
    match = LOAD_ID.match(text)
    if not match:
        raise BadLoadId(f"not a Java 79xx load ID: {text!r} (expected e.g. SIP41.9-4-2SR3-1S)")
    g = match.groupdict()
    version = Version(int(g["major"]), int(g["minor"]), int(g["maint"]),
                      int(g["sr"] or 0), int(g["build"] or 0))
    return LoadId(text, g["protocol"], g["family"], version)


# --- acceptance rules (rules J-01 to J-15 of fwplan catalog) ----------------------------------------------

V_8_3_3 = Version(8, 3, 3)
V_8_5_2_SR1 = Version(8, 5, 2, 1)
V_8_5_3 = Version(8, 5, 3)


@dataclass(frozen=True)
class Refusal:
    display: str  # what the phone shows
    rule: str  # why (a rule ID of fwplan catalog, or a phone-side check)
    detail: str


def judge(model, running, target):
    """None when a `model` phone running LoadId `running` accepts LoadId `target`,
    else the Refusal it shows."""
    if target.family != model.family:
        return Refusal("LOAD ID INCORRECT", "family",
                       f"{target.raw} is for family {target.family}, "
                       f"a {model.name} is family {model.family}")
    if model.family in JAVA_79XX_FAMILIES and running.version < V_8_3_3:
        # The images from 8.5(2)SR1 on are signed with a key that phones below 8.3(3) do not
        # know. J-01 (Cisco) states it from 8.5(3) on; J-04 (community) from 8.5(2)SR1.
        if target.version >= V_8_5_3:
            return Refusal("AUTH FAIL", "J-01",
                           f"{running.raw} is below 8.3(3); {target.raw} is 8.5(3) or later")
        if target.version >= V_8_5_2_SR1:
            return Refusal("AUTH FAIL", "J-04",
                           f"{running.raw} is below 8.3(3); {target.raw} is 8.5(2)SR1 or later")
    return None


# --- files (docs/phone-files.md §1, §2.1) -----------------------------------------------------------------

CONTAINER_TAGS = {3, 7, 9}
PADDING_TAG = 13
FILENAME_TAG = 14


class BadImage(ValueError):
    pass


def read_signed(data):
    """Split a TLV-signed file into (tag-14 name or None, body). Raises BadImage."""
    if len(data) < 6 or data[0] != 1:
        raise BadImage("no TLV signed header (first byte is not tag 1)")
    header_length = None
    name = None
    offset = 0
    while header_length is None or offset < header_length:
        limit = len(data) if header_length is None else header_length
        if offset >= limit:
            raise BadImage(f"header ends inside a TLV at offset {offset}")
        tag = data[offset]
        if tag == PADDING_TAG:
            offset += 1
            continue
        if offset + 3 > limit:
            raise BadImage(f"TLV at offset {offset} runs past the header")
        (length,) = struct.unpack_from("!H", data, offset + 1)
        if tag in CONTAINER_TAGS:
            offset += 3  # the nested TLVs follow
            continue
        value = data[offset + 3:offset + 3 + length]
        if offset + 3 + length > limit:
            raise BadImage(f"tag {tag} at offset {offset} runs past the header")
        if tag == 2:
            if length != 2:
                raise BadImage("header length field is not 2 bytes")
            (header_length,) = struct.unpack("!H", value)
            if header_length > len(data):
                raise BadImage(f"header length {header_length} exceeds the file ({len(data)} bytes)")
        elif tag == FILENAME_TAG:
            name = value.split(b"\0", 1)[0].decode("latin-1")
        offset += 3 + length
        if header_length is None and offset > 16:
            raise BadImage("no header length (tag 2) near the start")
    return name, data[header_length:]


def manifest_components(body):
    """The file names a TNP .loads body lists, in order (CRLF or LF, # comments, trailing
    blanks dropped)."""
    names = []
    for line in body.decode("latin-1").split("\n"):
        line = line.strip()
        if line and not line.startswith("#"):
            names.append(line)
    return names


def normalise_mac(mac):
    hex_digits = re.sub(r"[^0-9A-Fa-f]", "", mac)
    if len(hex_digits) != 12:
        raise ValueError(f"not a MAC address: {mac!r}")
    return hex_digits.upper()


def image_catalog_from_zips(paths):
    """{tuple of component names: load ID} for every <LOAD>.loads (not term files) in the
    zips: what a phone would learn from the images themselves about which load they are."""
    catalog = {}
    for path in paths:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                base = PurePosixPath(info.filename).name
                if info.is_dir() or not base.endswith(".loads") or base.lower().startswith("term"):
                    continue
                _, body = read_signed(archive.read(info))
                catalog[tuple(manifest_components(body))] = base[: -len(".loads")]
    return catalog


# --- the phone -------------------------------------------------------------------------------------


@dataclass
class Request:
    """One TFTP read the phone made: status ok | not-found | error | timeout."""

    name: str
    status: str
    size: Optional[int] = None
    message: Optional[str] = None

    def __str__(self):
        tail = f"{self.size} bytes" if self.status == "ok" else f"{self.status}: {self.message}"
        return f"RRQ {self.name} -> {tail}"


@dataclass
class BootResult:
    """One pass: a boot (docs/phone-files.md §7.1) or a factory reset (§7.2).

    outcome: flashed (new load running, the phone reboots), current (nothing to do),
    refused (an acceptance rule said no; `rule` says which), failed (missing or bad file,
    or no usable config)."""

    kind: str
    load_before: str
    load_after: str = ""
    outcome: str = ""
    error: Optional[str] = None
    rule: Optional[str] = None
    config_file: Optional[str] = None
    config_load: Optional[str] = None
    config_protocol: Optional[str] = None
    manifest: Optional[str] = None
    target: Optional[str] = None
    components: list = field(default_factory=list)
    requests: list = field(default_factory=list)
    dial_template: Optional[str] = None  # <sipProfile><dialTemplate> of the SEP file
    user_locale: Optional[str] = None  # <userLocale><name> of the SEP file

    @property
    def names(self):
        return [request.name for request in self.requests]

    def __str__(self):
        why = (f": {self.error}" if self.error else "") + (f" [{self.rule}]" if self.rule else "")
        lines = [f"{self.kind}: {self.load_before} -> {self.load_after} ({self.outcome}{why})"]
        lines += [f"  {request}" for request in self.requests]
        return "\n".join(lines)


class PowerCycle(Exception):
    """The phone was reset (or switched off) in the middle of a pass: the pass ends at once,
    before the next request, and the caller decides what comes next (device.py boots again)."""


class Phone:
    """State: model, MAC, running load, the image it flashed, every request it made.

    server: (host, port) of the TFTP server. catalog: {components tuple: load ID}, needed to
    tell which load a term file stands for (image_catalog_from_zips). source: the address to
    send from (None: 127.0.0.1). interrupt: a callable asked before every request; when it
    returns True the pass ends with PowerCycle. refuse_at: "image" (an acceptance rule says no
    after every component was fetched and checked) or "loads" (as soon as the .loads is read:
    the AUTH FAIL loop of rollout.md §3 shows no component request). aux_files: fetch the locale JAR and dial plan after a SIP boot
    that changed nothing."""

    def __init__(self, model, mac, load, *, server, catalog=None, timeout=1.0, source=None,
                 interrupt=None, refuse_at="image", aux_files=False):
        if model not in MODELS:
            raise ValueError(f"the phone simulates {sorted(MODELS)}, not {model!r}")
        self.model = MODELS[model]
        self.mac = normalise_mac(mac)
        running = parse_load_id(load)
        if running.family != self.model.family:
            raise ValueError(f"{load} cannot run on a {model}")
        self.load = load
        self.server = server
        self.catalog = dict(catalog or {})
        self.timeout = timeout
        self.source = source
        self.interrupt = interrupt
        if refuse_at not in ("image", "loads"):
            raise ValueError(f"refuse_at is 'image' or 'loads', not {refuse_at!r}")
        self.refuse_at = refuse_at
        self.aux_files = aux_files
        self.image = {}  # component file name -> bytes, of the load flashed last
        self.received = {}  # file name -> bytes, every file fetched (last copy)
        self.requests = []  # every Request, in order, across boots
        self.history = [load]  # every load the phone ran, in order
        self.display = None  # what the screen shows after the last pass

    @property
    def protocol(self):
        return parse_load_id(self.load).protocol

    # -- what the phone does --

    def boot(self):
        """One power-on (docs/phone-files.md §7.1). Flashing ends the pass: the phone reboots, and the
        next boot() is the pass after the reboot."""
        result = BootResult("boot", self.load)
        mark = len(self.requests)
        try:
            for name in (f"CTLSEP{self.mac}.tlv", f"ITLSEP{self.mac}.tlv", "ITLFile.tlv"):
                self._get(name)  # trust lists: a phone without security is happy without them
            self._read_config(result)
            load = (result.config_load or "").strip()
            if not load or load == self.load:
                result.outcome = "current"
                if self.aux_files:
                    self._fetch_aux_files(result)
            else:
                self._install(result, f"{load}.loads", named_load=load)
        except _Stop:
            pass
        return self._finish(result, mark)

    def fetch_again(self, name):
        """Ask for one file again (the AUTH FAIL loop re-requests the .loads, rollout.md §3).
        Returns its bytes, or None when the server said no; the request is logged."""
        return self._get(name)

    def boot_until_settled(self, max_boots=5):
        """Power on and let the phone reboot after every flash until a boot changes nothing
        (or is refused or fails). Returns the BootResults in order."""
        results = []
        for _ in range(max_boots):
            results.append(self.boot())
            if results[-1].outcome != "flashed":
                return results
        raise AssertionError(f"still flashing after {max_boots} boots (a loop):\n"
                             + "\n".join(map(str, results)))

    def factory_reset(self):
        """The '#' + 123456789*0# reset (docs/phone-files.md §7.2): fetch the model's
        term<NN>.default.loads and install the load it stands for."""
        result = BootResult("factory-reset", self.load)
        mark = len(self.requests)
        try:
            self._install(result, self.model.term_file, named_load=None)
        except _Stop:
            pass
        return self._finish(result, mark)

    # -- steps --

    def _read_config(self, result):
        sep = f"SEP{self.mac}.cnf.xml"
        data = self._get(sep)
        if data is not None:
            result.config_file = sep
            root = self._parse_xml(result, sep, data)
            if root.tag != "device":
                self._fail(result, "CONFIG REJECTED",
                           f"{sep}: root element is <{root.tag}>, not <device>")
            result.config_load = root.findtext("loadInformation")
            result.config_protocol = root.findtext("deviceProtocol")
            result.dial_template = root.findtext("sipProfile/dialTemplate")
            result.user_locale = root.findtext("userLocale/name")
            return
        data = self._get("XMLDefault.cnf.xml")
        if data is None:
            self._fail(result, "NO CONFIG", f"neither {sep} nor XMLDefault.cnf.xml")
        result.config_file = "XMLDefault.cnf.xml"
        root = self._parse_xml(result, "XMLDefault.cnf.xml", data)
        if root.tag != "Default":
            self._fail(result, "CONFIG REJECTED",
                       f"XMLDefault.cnf.xml: root element is <{root.tag}>, not <Default>")
        result.config_load = root.findtext(f"loadInformation{self.model.xml_default_number}")

    def _parse_xml(self, result, name, data):
        try:
            return ET.fromstring(data)
        except ET.ParseError as error:
            # docs/phone-files.md §6.1: one bad element and the phone rejects the whole file.
            self._fail(result, "CONFIG REJECTED", f"{name}: {error}")

    def _install(self, result, manifest, *, named_load):
        result.manifest = manifest
        data = self._require(result, manifest)
        components = self._verified_body(result, manifest, data)
        result.components = components
        target = self._identify(result, manifest, components, named_load)
        result.target = target.raw
        if target.raw == self.load:
            result.outcome = "current"
            return
        if self.refuse_at == "loads":
            self._judge(result, target)  # before any component: the AUTH FAIL loop
        image = {}
        for component in components:
            blob = self._require(result, component)
            self._verified_body(result, component, blob, listing=False)
            image[component] = blob
        self._judge(result, target)
        self.load = target.raw
        self.image = image
        self.history.append(target.raw)
        result.outcome = "flashed"

    def _judge(self, result, target):
        refusal = judge(self.model, parse_load_id(self.load), target)
        if refusal:
            self._fail(result, refusal.display, refusal.detail, rule=refusal.rule, outcome="refused")

    def _fetch_aux_files(self, result):
        """What a SIP phone reads after its config (formats.md §7.1 item 7; the 7942 log in
        waynemerricks/Cisco7942FreePBX README: ... SEP…cnf.xml → /mk-sip.jar → dialplan.xml).
        Missing files are fine. An SCCP phone asks for nothing more here [harness choice: the
        sources show no SCCP boot's files after the config]."""
        if self.protocol != "SIP":
            return
        # No <userLocale>: the default locale JAR, asked for with a leading slash as in the
        # 7942 log; with one, under the locale's folder [inference: formats.md §7.1 says
        # "<userLocale name>/…" without the file name].
        locale = result.user_locale.strip() if result.user_locale else ""
        self._get(f"{locale}/mk-sip.jar" if locale else "/mk-sip.jar")
        # <dialTemplate> names the dial plan; without one the simulation still asks for
        # dialplan.xml [harness choice: every SIP boot in the sources asks for it].
        self._get((result.dial_template or "").strip() or "dialplan.xml")

    def device_information(self):
        """What http://<phone>/DeviceInformationX answers right now (rollout.md §4):
        [(element, text)], in the order the fusioninventory sample shows. On Java 79xx
        versionID carries the running load's name; appLoadID is the running JAR's name when
        the phone flashed it here, else the load name [inference]."""
        jar = next((name for name in self.image if name.lower().startswith("jar")), None)
        dsp = next((name for name in self.image if name.lower().startswith("dsp")), None)
        return [
            ("MACAddress", self.mac),
            ("HostName", f"SEP{self.mac}"),
            ("phoneDN", ""),
            ("appLoadID", jar.rsplit(".sbn", 1)[0] if jar else self.load),
            ("bootLoadID", ""),
            ("versionID", self.load),
            ("DSPLoadID", dsp.rsplit(".sbn", 1)[0] if dsp else ""),
            ("hardwareRevision", "1.0"),
            ("serialNumber", f"FCH{self.mac[-6:]}"),
            ("modelNumber", MODEL_NUMBERS.get(self.model.name, f"CP-{self.model.name}G")),
        ]

    def _verified_body(self, result, name, data, listing=True):
        """Check what a phone checks before it trusts a file: not empty, a signed header,
        signed under the name it was asked for. Returns the listed components for a .loads."""
        if not data:
            self._fail(result, "FILE EMPTY", f"{name} is 0 bytes")
        try:
            signed_name, body = read_signed(data)
        except BadImage as error:
            self._fail(result, "IMAGE AUTH FAIL", f"{name}: {error}")
        if signed_name != name:
            self._fail(result, "IMAGE AUTH FAIL", f"{name} is signed as {signed_name!r}")
        if not listing:
            return None
        components = manifest_components(body)
        if not components:
            self._fail(result, "LOAD EMPTY", f"{name} lists no files")
        return components

    def _identify(self, result, manifest, components, named_load):
        """Which load is this? The name the config gave, cross-checked against the images
        when the catalog knows them; for a term file, the catalog alone."""
        from_images = self.catalog.get(tuple(components))
        if named_load is not None:
            try:
                target = parse_load_id(named_load)
            except BadLoadId as error:
                self._fail(result, "LOAD ID INCORRECT", str(error))
            if from_images is not None and from_images != named_load:
                self._fail(result, "IMAGE MISMATCH", f"{manifest} lists the files of {from_images}")
            return target
        if from_images is None:
            self._fail(result, "UNKNOWN LOAD", f"{manifest} lists {components}, which no known load has")
        return parse_load_id(from_images)

    # -- plumbing --

    def _get(self, name):
        """Fetch a file; None (and a logged request) when the server says no."""
        if self.interrupt is not None and self.interrupt():
            raise PowerCycle()
        host, port = self.server
        try:
            transfer = fetch(host, port, name, timeout=self.timeout, source=self.source)
        except FileNotFound as error:
            self.requests.append(Request(name, "not-found", message=error.server_message))
            return None
        except TftpTimeout as error:
            self.requests.append(Request(name, "timeout", message=str(error)))
            return None
        except TftpError as error:
            self.requests.append(Request(name, "error", message=error.server_message or str(error)))
            return None
        self.requests.append(Request(name, "ok", size=len(transfer.data)))
        self.received[name] = transfer.data
        return transfer.data

    def _require(self, result, name):
        data = self._get(name)
        if data is None:
            last = self.requests[-1]
            display = "FILE NOT FOUND" if last.status == "not-found" else "TFTP ERROR"
            self._fail(result, display, f"{name}: {last.message}")
        return data

    def _fail(self, result, display, detail, rule=None, outcome="failed"):
        result.outcome = outcome
        result.error = f"{display}: {detail}"
        result.rule = rule
        raise _Stop()

    def _finish(self, result, mark):
        result.requests = self.requests[mark:]
        result.load_after = self.load
        self.display = result.error.split(":", 1)[0] if result.error else None
        return result


class _Stop(Exception):
    """Ends a pass early (the phone shows an error and keeps its load)."""


# --- by hand ---------------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description="Boot a simulated Java 79xx phone against a TFTP root.")
    parser.add_argument("root", nargs="?", help="TFTP root to serve with in.tftpd (omit with --server)")
    parser.add_argument("--server", help="HOST:PORT of a TFTP server that is already running")
    parser.add_argument("--model", default="7941")
    parser.add_argument("--mac", default="00:80:41:AE:FD:7E")
    parser.add_argument("--load", required=True, help="the load the phone runs, e.g. SCCP41.8-3-1S")
    parser.add_argument("--factory-reset", action="store_true",
                        help="reset first (term<NN>.default.loads)")
    parser.add_argument("--catalog", nargs="*", default=[], metavar="ZIP",
                        help="firmware zips that tell which load a term file stands for")
    args = parser.parse_args(argv)
    if (args.root is None) == (args.server is None):
        parser.error("give a TFTP root or --server HOST:PORT")

    def run(server):
        catalog = image_catalog_from_zips(args.catalog)
        phone = Phone(args.model, args.mac, args.load, server=server, catalog=catalog)
        results = [phone.factory_reset()] if args.factory_reset else []
        if not results or results[-1].outcome in ("flashed", "current"):
            results += phone.boot_until_settled()
        for result in results:
            print(result)
        print(f"running {phone.load}" + (f", showing {phone.display}" if phone.display else ""))
        # A phone without a config is fine here (a bare root); a refused or broken load is not.
        bad = [r for r in results if r.outcome == "refused"
               or (r.outcome == "failed" and not r.error.startswith("NO CONFIG"))]
        return 1 if bad else 0

    if args.server:
        host, _, port = args.server.rpartition(":")
        return run((host, int(port)))
    from tftp_server import TftpServer
    with TftpServer(args.root) as server:
        return run((server.host, server.port))


if __name__ == "__main__":
    sys.exit(main())
