"""A simulated Cisco 7940/7960 on SIP firmware (P0S3-…), booting from a TFTP server the way
the domain notes describe. Same interface as phone.Phone (boot() returns a BootResult; load,
requests, received, history, display), so device.py can run either as a long-lived device.

Independence, as for phone.py: nothing here imports fwplan; the rules below are written from
the domain notes, each with its public source.

Boot (formats.md §7.3; Teo En Ming's tftpd log, LKML 2020-12-24, repeated on every boot):
  CTLSEP<MAC>.tlv (missing is fine) → SEP<MAC>.cnf.xml (else XMLDefault.cnf.xml) →
  <LOAD>.loads (EVERY boot, even when the phone already runs LOAD) → SIPDefault.cnf →
  <tftp_cfg_dir>SIP<MAC>.cnf (default "./") → RINGLIST.DAT → dialplan.xml.
Which image: <loadInformation> of the SEP file (XMLDefault: <loadInformation7> for a 7960,
<loadInformation8> for a 7940, formats.md §6.2), else `image_version` of SIPDefault.cnf /
SIP<MAC>.cnf (SIP<MAC>.cnf overrides; formats.md §6.3). When it differs from the running
image the phone fetches the files its .loads lists (the .sbn app loader and the .sb2 image,
formats.md §2.2), checks them, flashes and reboots.

Example:
    phone = Phone7960("7960", "00:1B:2A:89:36:98", "P0S3-07-4-00", server=(host, port))
    result = phone.boot()
"""
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from phone import BadImage, BootResult, Phone, _Stop, normalise_mac, read_signed

# formats.md §6.2: the CUCM model numbers in <loadInformation<NNN>> of XMLDefault.cnf.xml.
MODELS_7960 = {"7960": 7, "7940": 8}
# rollout.md §4 (fusioninventory poip.md sample: <modelNumber>CP-7940</modelNumber>).
MODEL_NUMBERS_7960 = {"7960": "CP-7960", "7940": "CP-7940"}

# upgrade-rules.md "Version notation": SIP P0S3-MM-m-pp (P0S3-08-12-00 = 8.12(0)); the
# shipped files also drop the leading zero (P0S3-8-12-00, formats.md §2.2).
SIP_IMAGE = re.compile(r"^P0S3-(?P<major>\d+)-(?P<minor>\d+)-(?P<maint>\d+)$")
# formats.md §2.2: the image name is ASCII at payload offset 0x20 of the .sb2/.sbn.
IMAGE_NAME_OFFSET = 0x20


@dataclass(frozen=True, order=True)
class Version7960:
    major: int
    minor: int
    maint: int

    def __str__(self):
        return f"{self.major}.{self.minor}({self.maint})"


class BadImageName(ValueError):
    pass


def parse_sip_image(text):
    """P0S3-8-12-00 / P0S3-07-4-00 -> Version7960. Raises BadImageName."""
    match = SIP_IMAGE.match(text or "")
    if not match:
        raise BadImageName(f"not a 7940/7960 SIP image name: {text!r} (expected e.g. P0S3-8-12-00)")
    return Version7960(int(match["major"]), int(match["minor"]), int(match["maint"]))


@dataclass(frozen=True)
class Refusal7960:
    display: str
    rule: str
    detail: str


V_5_0 = Version7960(5, 0, 0)
V_7_0 = Version7960(7, 0, 0)


def judge_7960(running, target):
    """None when a 7960 running image `running` accepts `target` (both P0S3-… names), else
    the Refusal7960. Only what the fleet tests need; upgrade-rules.md A2:
    - S-02 (CISCO, CME admin guide): loads 5.0 and later are signed; no way back to an
      unsigned (< 5.0) load.
    - S-03 (CISCO, CME admin guide): SIP 4.4 → 5.3 → 6.x → 7.x, "you cannot go directly
      from [234].x to 7.x": below 7.x a phone moves at most one major version up.
    - S-08 (COMMUNITY): from 7.x on, straight to 8.x (8.12).
    What the screen shows is a harness choice: the notes name no message for these."""
    old, new = parse_sip_image(running), parse_sip_image(target)
    if old >= V_5_0 and new < V_5_0:
        return Refusal7960("LOAD REFUSED", "S-02",
                           f"{running} is signed (5.0 or later); {target} is an unsigned load")
    if old < V_7_0 and new.major > old.major + 1:
        return Refusal7960("LOAD REFUSED", "S-03",
                           f"{running} is below 7.x and may only move one major version up "
                           f"(4.4 → 5.3 → 6.x → 7.x), not to {target}")
    return None


def manifest_images(body):
    """The files a 7940/7960 .loads lists: P003-….sbn and P0S3-….sb2, without the
    LA_VERSION=… line (formats.md §2.2: an LF body of three lines)."""
    names = []
    for line in body.decode("latin-1").split("\n"):
        line = line.strip()
        if line and not line.startswith("#") and "=" not in line:
            names.append(line)
    return names


def parse_sip_cnf(data):
    """A flat `key: value` file (formats.md §6.3): # full-line comments, ; trailing comments,
    values may be quoted. Returns {key: value}."""
    values = {}
    for line in data.decode("latin-1").splitlines():
        line = line.split(";", 1)[0].strip()
        if not line or line.startswith("#") or ":" not in line:
            continue
        key, value = line.split(":", 1)
        values[key.strip().lower()] = value.strip().strip('"').strip()
    return values


class Phone7960(Phone):
    """A 7940/7960 on SIP firmware. Uses Phone's request plumbing (source, interrupt, timeout,
    the request log); its own boot, rules and images."""

    def __init__(self, model, mac, load, *, server, timeout=1.0, source=None, interrupt=None,
                 catalog=None, refuse_at="image", aux_files=True):
        # catalog, refuse_at and aux_files are accepted for the same signature as Phone: a
        # 7960 always reads its aux files (they are part of every boot), and its refusal
        # shows after the images were checked (a harness choice, see boot()).
        if model not in MODELS_7960:
            raise ValueError(f"Phone7960 simulates {sorted(MODELS_7960)}, not {model!r}")
        parse_sip_image(load)
        self.model_name = model
        self.xml_default_number = MODELS_7960[model]
        self.mac = normalise_mac(mac)
        self.load = load
        self.server = server
        self.timeout = timeout
        self.source = source
        self.interrupt = interrupt
        self.catalog = {}
        self.image = {}
        self.received = {}
        self.requests = []
        self.history = [load]
        self.display = None

    @property
    def protocol(self):
        return "SIP"

    def boot(self):
        """One power-on (formats.md §7.3). A refused image is not flashed; the phone then
        goes on booting its old image [harness choice: the notes only say the phone "keeps
        or returns to its old image", formats.md §7.4], which is why the TFTP log alone
        cannot tell a settled 7960 from a refusing one (rollout.md §3: ask DeviceInformationX)."""
        result = BootResult("boot", self.load)
        mark = len(self.requests)
        try:
            self._get(f"CTLSEP{self.mac}.tlv")
            self._read_xml_config(result)
            wanted = (result.config_load or "").strip() or self.load
            # The .loads of the image the config names is fetched on every boot.
            manifest = f"{wanted}.loads"
            data = self._get(manifest)
            if wanted != self.load:
                if data is None:
                    self._require(result, manifest)  # fails with the server's message
                if self._install_7960(result, manifest, data, wanted):
                    return self._finish(result, mark)
            sip_default = self._get("SIPDefault.cnf")
            settings = parse_sip_cnf(sip_default) if sip_default is not None else {}
            cfg_dir = settings.get("tftp_cfg_dir", "./") or "./"
            if not cfg_dir.endswith("/"):
                cfg_dir += "/"
            own = self._get(f"{cfg_dir}SIP{self.mac}.cnf")
            if own is not None:
                settings.update(parse_sip_cnf(own))
            image_version = settings.get("image_version", "")
            # An image refused a moment ago from the SEP file is not tried twice in one boot.
            if image_version and image_version not in (self.load, result.target):
                manifest = f"{image_version}.loads"
                data = self._require(result, manifest)
                if self._install_7960(result, manifest, data, image_version):
                    return self._finish(result, mark)
            self._get("RINGLIST.DAT")
            dial = settings.get("dial_template", "dialplan") or "dialplan"
            self._get(dial if dial.endswith(".xml") else f"{dial}.xml")
            if result.outcome != "refused":
                result.outcome = "current"
        except _Stop:
            pass
        return self._finish(result, mark)

    def _read_xml_config(self, result):
        sep = f"SEP{self.mac}.cnf.xml"
        data = self._get(sep)
        name, element = sep, "loadInformation"
        if data is None:
            data = self._get("XMLDefault.cnf.xml")
            if data is None:
                return  # a 7960 goes on with SIPDefault.cnf (the SIP files configure it)
            name, element = "XMLDefault.cnf.xml", f"loadInformation{self.xml_default_number}"
        result.config_file = name
        try:
            root = ET.fromstring(data)
        except ET.ParseError as error:
            self._fail(result, "CONFIG REJECTED", f"{name}: {error}")
        # formats.md §6.1: community 7940/60 files write <loadInformation model="IP Phone
        # 7960">…; the attribute is tolerated and ignored.
        result.config_load = root.findtext(element)

    def _install_7960(self, result, manifest, data, wanted):
        """Check the .loads and its images, judge, flash. True when the pass ends here
        (flashed, or a failure that stops the boot); False when the phone refused and goes
        on booting its old image."""
        result.manifest = manifest
        try:
            parse_sip_image(wanted)
        except BadImageName as error:
            self._fail(result, "LOAD ID INCORRECT", str(error))
        result.target = wanted
        images = self._verified_body(result, manifest, data, listing=True)
        images = [name for name in images if "=" not in name]
        result.components = images
        blobs = {}
        for name in images:
            blob = self._require(result, name)
            self._verified_body(result, name, blob, listing=False)
            blobs[name] = blob
        app = [name for name in images if name.endswith(".sb2")]
        if not app:
            self._fail(result, "IMAGE AUTH FAIL", f"{manifest} lists no .sb2 application image")
        _, payload = read_signed(blobs[app[0]])
        shown = payload[IMAGE_NAME_OFFSET:IMAGE_NAME_OFFSET + 32].split(b"\0", 1)[0].decode("latin-1")
        if shown != wanted:
            self._fail(result, "IMAGE AUTH FAIL", f"{app[0]} holds the image {shown!r}, not {wanted}")
        refusal = judge_7960(self.load, wanted)
        if refusal:
            result.outcome = "refused"
            result.error = f"{refusal.display}: {refusal.detail}"
            result.rule = refusal.rule
            return False
        self.load = wanted
        self.image = blobs
        self.history.append(wanted)
        result.outcome = "flashed"
        return True

    def _verified_body(self, result, name, data, listing=True):
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
        images = manifest_images(body)
        if not images:
            self._fail(result, "LOAD EMPTY", f"{name} lists no files")
        return images

    def _finish(self, result, mark):
        result.requests = self.requests[mark:]
        result.load_after = self.load
        self.display = result.error.split(":", 1)[0] if result.error else None
        return result

    def device_information(self):
        """DeviceInformationX of a 7940/7960 (rollout.md §4, the fusioninventory sample of a
        7940): appLoadID is the running image's name, versionID its dotted version; the
        sample's SCCP P00308010200 reads 8.1(2.0), so P0S3-8-12-00 reads 8.12(0.0)
        [inference: no SIP sample was seen]."""
        version = parse_sip_image(self.load)
        return [
            ("MACAddress", self.mac),
            ("HostName", f"SEP{self.mac}"),
            ("phoneDN", ""),
            ("appLoadID", self.load),
            ("bootLoadID", ""),
            ("versionID", f"{version.major}.{version.minor}({version.maint}.0)"),
            ("DSPLoadID", ""),
            ("hardwareRevision", "1.0"),
            ("serialNumber", f"INM{self.mac[-6:]}"),
            ("modelNumber", MODEL_NUMBERS_7960[self.model_name]),
        ]
