"""Simulated phones that live on their own: each on its own loopback address 127.0.0.N,
booting from a TFTP server, idling on the load it runs, and booting again only when it is
reset, as real phones do (rollout.md §1: "I can't even see the phone polling the TFTP
server", waynemerricks/Cisco7942FreePBX README). What `fwplan rollout follow` drives.

A PhoneProcess is one device, run by a thread of the test process (not an OS process, so
a test can look at its state), with a bounded lifetime. It has:
- the phone itself: phone.Phone (Java 79xx) or phone7960.Phone7960, sending every TFTP
  request from 127.0.0.N, so the server logs that IP (Linux routes all of 127/8 to lo);
- a reset listener on UDP 127.0.0.N:5060 that takes a SIP NOTIFY, the way a PBX resets
  phones (rollout.md §5): `Event: service-control` with body `action=reset` (Java 79xx,
  usecallmanagernz `cisco-reset`) or `Event: check-sync` (7940/7960; FreeSWITCH
  `sofia_reg_send_reboot()`); it answers `SIP/2.0 200 OK` and boots again. kick_phone.py
  sends it. `action=restart` is answered but re-reads nothing: "reset … must be used after
  updating phone firmware" (Cisco CME command reference, quoted at ap3x.net 2010/01/05);
- optionally `http://127.0.0.N/DeviceInformationX` (port 80), the XML of rollout.md §4,
  built from what the phone runs at the moment of the request.

Life of a device: power on → boot (CTLSEP, ITLSEP, ITLFile.tlv, SEP<MAC>.cnf.xml, and when
the config names another load its .loads and components) → flash (flash_time) → reboot
(reboot_time) → boot … until a boot changes nothing → aux files (a SIP phone's /mk-sip.jar
and dialplan.xml; a 7960's SIPDefault.cnf … dialplan.xml) → idle until reset, stop or the end
of its lifetime. A Java phone whose load an acceptance rule refuses shows AUTH FAIL and asks
for the same .loads again every retry_interval, with no component after it (rollout.md §3,
the tickett.net 7906 looping on term06.default.loads); after auth_retries tries it reboots
(cnu-fpu README: 7941 and up "revert to previous successful firmware after 10 tries") and the
loop goes on. While flashing or rebooting it is off the network: a reset is not answered.

Example:
    with TftpServer(root) as server, Fleet((server.host, server.port), http=True) as fleet:
        phone = fleet.add("7941", "SCCP41.8-3-1S", mac="00:80:41:ae:fd:7e")   # 127.0.0.2
        phone.wait_idle(10)
        ... write a SEP file; python3 kick_phone.py 127.0.0.2 ...
        phone.wait_until(lambda p: p.load == "SCCP41.8-5-2S", 10)
"""
import argparse
import csv
import http.server
import ipaddress
import re
import signal
import socket
import sys
import threading
import time
from xml.sax.saxutils import escape

from phone import PowerCycle, Phone, normalise_mac
from phone7960 import MODELS_7960, Phone7960

RESET_PORT = 5060  # UDP, SIP (rollout.md §5: phones are reset by a SIP NOTIFY)
HTTP_PORT = 80  # DeviceInformationX (rollout.md §4)

# States a device is in (PhoneProcess.state).
OFF, BOOTING, FLASHING, REBOOTING, REFUSING, IDLE = ("off", "booting", "flashing", "rebooting",
                                                     "refusing", "idle")
OFF_THE_NETWORK = (OFF, FLASHING, REBOOTING)


# --- the reset message (SIP NOTIFY, RFC 3265 shape) -------------------------------------------------


def parse_sip_request(data):
    """(method, {lower-case header: value}, body) of a SIP request, or None."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    head, _, body = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or parts[2] != "SIP/2.0":
        return None
    headers = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    return parts[0], headers, body


def sip_response(headers, code, reason):
    """A response that copies Via, From, To, Call-ID and CSeq (RFC 3261 §8.2.6)."""
    lines = [f"SIP/2.0 {code} {reason}"]
    for name in ("Via", "From", "To", "Call-ID", "CSeq"):
        value = headers.get(name.lower())
        if value is not None:
            if name == "To" and ";tag=" not in value:
                value += ";tag=e2e-phone"
            lines.append(f"{name}: {value}")
    lines += ["Content-Length: 0", "", ""]
    return "\r\n".join(lines).encode("utf-8")


def reset_kind(method, headers, body):
    """'reset', 'restart', or None (not a reset we know) for a parsed request."""
    if method != "NOTIFY":
        return None
    event = headers.get("event", "").split(";", 1)[0].strip().lower()
    if event == "check-sync":
        return "reset"  # 7940/7960: reboot and read TFTP again (OL-7890-01 p. 4-4)
    if event == "service-control":
        match = re.search(r"^action=(\w+)", body, re.MULTILINE)
        if match and match.group(1).lower() in ("reset", "restart"):
            return match.group(1).lower()
    return None


# --- DeviceInformationX ------------------------------------------------------------------------------


def device_information_xml(fields):
    """rollout.md §4: <DeviceInformation><MACAddress>…</MACAddress>…</DeviceInformation>."""
    body = "".join(f"<{name}>{escape(value)}</{name}>" if value else f"<{name}/>"
                   for name, value in fields)
    return f'<?xml version="1.0" encoding="utf-8"?>\n<DeviceInformation>{body}</DeviceInformation>\n'


class _WebServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def _web_handler(device):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            if self.path.split("?", 1)[0] != "/DeviceInformationX":
                self.send_error(404)
                return
            info = device.phone.device_information()
            data = device_information_xml(info).encode("utf-8")
            with device._changed:  # who asked the phone what it runs, and what it said
                device.web_requests.append((time.monotonic(), self.client_address[0], dict(info)))
                device._changed.notify_all()
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass  # quiet: the tests read the TFTP log, not this one

    return Handler


# --- one device ---------------------------------------------------------------------------------------


def make_phone(model, mac, load, **options):
    """phone.Phone for a Java 79xx, Phone7960 for a 7940/7960."""
    if model in MODELS_7960:
        return Phone7960(model, mac, load, **options)
    return Phone(model, mac, load, refuse_at="loads", aux_files=True, **options)


class PhoneProcess:
    """One simulated phone living on `ip` (127.0.0.N, N >= 2). Start with `with` (or start()),
    which powers it on; stop() or the end of the block switches it off, always.

    server: (host, port) of the TFTP server. http: serve DeviceInformationX on ip:http_port.
    flash_time, reboot_time, retry_interval: seconds (small in tests; a real 7961 takes about
    36 s for five components, rollout.md §3). lifetime: the device switches itself off after
    this many seconds, whatever happens. tftp_timeout: seconds per TFTP packet."""

    def __init__(self, model, mac, load, *, ip, server, http=False, http_port=HTTP_PORT,
                 reset_port=RESET_PORT, flash_time=0.2, reboot_time=0.05, retry_interval=0.3,
                 auth_retries=10, lifetime=120.0, tftp_timeout=0.5, catalog=None):
        address = ipaddress.ip_address(ip)
        if not address.is_loopback or ip == "127.0.0.1":
            raise ValueError(f"a simulated phone lives on 127.0.0.N with N >= 2, not {ip}")
        self.ip = ip
        self.model = model
        self.mac = normalise_mac(mac)
        self.server = server
        self.http = http
        self.http_port = http_port
        self.reset_port = reset_port
        self.flash_time = flash_time
        self.reboot_time = reboot_time
        self.retry_interval = retry_interval
        self.auth_retries = auth_retries
        self.lifetime = lifetime
        self.phone = make_phone(model, mac, load, server=server, source=ip, timeout=tftp_timeout,
                                interrupt=self._interrupted, catalog=catalog)
        self.state = OFF
        self.boots = []  # every BootResult, in order
        self.events = []  # (monotonic time, text): power-on, resets, flashes, refusals
        self.resets = 0  # resets answered with 200 OK that led to a boot
        self.web_requests = []  # (monotonic time, client IP, fields) per DeviceInformationX answered
        self.restarts = 0
        self._reset_pending = False
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._changed = threading.Condition()
        self._threads = []
        self._sip = None
        self._web = None
        self._deadline = None
        self.error = None  # an exception that ended the device's life early

    # -- what tests look at --

    @property
    def load(self):
        return self.phone.load

    @property
    def display(self):
        return self.phone.display

    def wait_until(self, predicate, timeout):
        """Wait until predicate(self) is true; returns it (False after `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.state == OFF and self._started_and_gone():
                    return predicate(self)
                self._changed.wait(min(remaining, 0.1))
        return True

    def wait_idle(self, timeout):
        """Wait until the device idles (booted, nothing more to do, no reset pending)."""
        return self.wait_until(lambda p: p.state == IDLE and not p._reset_pending, timeout)

    def reset(self):
        """What the reset message does, without the network (for tests of the device)."""
        return self._on_reset("reset")

    # -- start and stop --

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        if self._threads:
            raise RuntimeError(f"phone {self.ip} is already running")
        try:
            self._sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self._sip.bind((self.ip, self.reset_port))
            self._sip.settimeout(0.1)
            if self.http:
                self._web = _WebServer((self.ip, self.http_port), _web_handler(self))
        except OSError as error:
            self._close_sockets()
            raise RuntimeError(f"phone {self.ip}: cannot listen on {self.ip} "
                               f"(UDP {self.reset_port}" + (f", TCP {self.http_port}" if self.http else "")
                               + f"): {error}; another simulated phone or a real service holds it") from error
        self._deadline = time.monotonic() + self.lifetime
        self._spawn(self._life, "life")
        self._spawn(self._listen, "reset")
        if self._web is not None:
            self._spawn(lambda: self._web.serve_forever(poll_interval=0.1), "http")
        return self

    def stop(self, timeout=5.0):
        """Switch off: the boot in progress ends before its next request, the listeners
        close. Waits at most `timeout` seconds in all."""
        self._stop.set()
        self._wake.set()
        if self._web is not None:
            threading.Thread(target=self._web.shutdown, daemon=True).start()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._close_sockets()
        alive = [thread.name for thread in self._threads if thread.is_alive()]
        self._set_state(OFF)
        if alive:
            raise RuntimeError(f"phone {self.ip}: threads {alive} did not stop within {timeout:g} s")

    def _close_sockets(self):
        if self._sip is not None:
            self._sip.close()
        if self._web is not None:
            self._web.server_close()

    def _spawn(self, target, role):
        thread = threading.Thread(target=target, name=f"phone-{self.ip}-{role}", daemon=True)
        self._threads.append(thread)
        thread.start()

    def _started_and_gone(self):
        return bool(self._threads) and not self._threads[0].is_alive()

    # -- the device's life --

    def _alive(self):
        return not self._stop.is_set() and time.monotonic() < self._deadline

    def _interrupted(self):
        return self._reset_pending or not self._alive()

    def _set_state(self, state):
        with self._changed:
            self.state = state
            self._changed.notify_all()

    def _note(self, text):
        with self._changed:
            self.events.append((time.monotonic(), text))
            self._changed.notify_all()

    def _sleep(self, seconds):
        """Sleep, ended early only by stop (a flashing phone hears no reset)."""
        self._stop.wait(max(0.0, min(seconds, self._deadline - time.monotonic())))

    def _pause(self, seconds):
        """Sleep, ended early by a reset or stop. True when ended early."""
        end = time.monotonic() + seconds
        while self._alive() and not self._reset_pending:
            remaining = min(end, self._deadline) - time.monotonic()
            if remaining <= 0:
                return False
            self._wake.wait(remaining)
            self._wake.clear()
        return True

    def _life(self):
        try:
            self._note("power on")
            self._boot_until_idle()
            while self._alive():
                if self._reset_pending:
                    self._boot_until_idle()
                    continue
                self._wake.wait(max(0.0, min(0.5, self._deadline - time.monotonic())))
                self._wake.clear()
        except Exception as error:  # noqa: BLE001 (reported to the test, never swallowed)
            self.error = error
            self._note(f"crashed: {error!r}")
        finally:
            self._note("power off" if self._stop.is_set() else "end of lifetime")
            self._set_state(OFF)

    def _boot_until_idle(self):
        while self._alive():
            self._set_state(BOOTING)  # before the reset is taken: never "idle" in between
            if self._reset_pending:
                self._reset_pending = False
                self.resets += 1
                self._note("reset")
            try:
                result = self.phone.boot()
            except PowerCycle:
                if not self._alive():
                    return
                self._note("reset during boot")
                self._set_state(REBOOTING)
                self._sleep(self.reboot_time)
                continue
            with self._changed:
                self.boots.append(result)
                self._changed.notify_all()
            if result.outcome == "flashed":
                self._note(f"flashing {result.target}")
                self._set_state(FLASHING)
                self._sleep(self.flash_time)
                self._set_state(REBOOTING)
                self._sleep(self.reboot_time)
                continue
            if result.outcome == "refused" and result.names and result.names[-1] == result.manifest:
                # Refused at the .loads (phone.Phone refuse_at="loads"): the AUTH FAIL loop.
                self._note(f"refused {result.target}: {result.error}")
                if self._refusal_loop(result.manifest):
                    continue  # reset: boot again
                if not self._alive():
                    return
                self._note(f"gave up after {self.auth_retries} tries; rebooting")
                self._set_state(REBOOTING)
                self._sleep(self.reboot_time)
                continue
            if result.outcome == "refused":
                self._note(f"refused {result.target}: {result.error}")
            self._set_state(IDLE)
            return

    def _refusal_loop(self, manifest):
        """Ask for `manifest` again every retry_interval. True when a reset ended it."""
        self._set_state(REFUSING)
        for _ in range(self.auth_retries):
            if self._pause(self.retry_interval):
                return self._reset_pending
            try:
                self.phone.fetch_again(manifest)
            except PowerCycle:
                return self._reset_pending
        return False

    # -- the reset listener --

    def _listen(self):
        while not self._stop.is_set():
            try:
                data, peer = self._sip.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return  # closed by stop()
            request = parse_sip_request(data)
            if request is None:
                continue
            method, headers, body = request
            if self.state in OFF_THE_NETWORK:
                continue  # flashing or rebooting: nobody there to answer
            kind = reset_kind(method, headers, body)
            if kind is None:
                self._sip.sendto(sip_response(headers, 489, "Bad Event"), peer)
                continue
            self._sip.sendto(sip_response(headers, 200, "OK"), peer)
            self._on_reset(kind)

    def _on_reset(self, kind):
        if kind == "restart":
            self.restarts += 1
            self._note("restart (re-registers; reads no TFTP)")
            return False
        self._reset_pending = True
        self._wake.set()
        with self._changed:
            self._changed.notify_all()
        return True


# --- many devices ----------------------------------------------------------------------------------------


def fleet_mac(ip):
    """A MAC for the phone on 127.0.0.N: 00:80:41:E2:EE:NN (00:80:41 as in the tests' 7941)."""
    return f"008041E2EE{int(ipaddress.ip_address(ip)) & 0xFF:02X}"


class Fleet:
    """A context manager that runs PhoneProcesses on first_ip, first_ip + 1, …, and stops
    every one of them on exit, whatever happened in the block. `defaults` go to every
    PhoneProcess (http, flash_time, lifetime, …); add() may override them."""

    def __init__(self, server, *, first_ip="127.0.0.2", **defaults):
        self.server = server
        self._next = ipaddress.ip_address(first_ip)
        self.defaults = defaults
        self.phones = []
        self._entered = False

    def __enter__(self):
        self._entered = True
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def add(self, model, load, *, mac=None, ip=None, **options):
        """Power on one more phone; returns its PhoneProcess."""
        if not self._entered:
            raise RuntimeError("use Fleet as a context manager (with Fleet(...) as fleet:)")
        ip = ip or str(self._next)
        self._next = ipaddress.ip_address(ip) + 1
        settings = dict(self.defaults)
        settings.update(options)
        device = PhoneProcess(model, mac or fleet_mac(ip), load, ip=ip, server=self.server, **settings)
        device.start()
        self.phones.append(device)
        return device

    def by_ip(self, ip):
        return next(device for device in self.phones if device.ip == ip)

    def wait_idle(self, timeout):
        """Wait until every phone idles; returns the ones that do not."""
        deadline = time.monotonic() + timeout
        return [device for device in self.phones
                if not device.wait_idle(max(0.0, deadline - time.monotonic()))]

    def stop(self):
        problems = []
        for device in self.phones:
            try:
                device.stop()
            except RuntimeError as error:
                problems.append(str(error))
        if problems:
            raise RuntimeError("; ".join(problems))


# --- by hand ------------------------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Run simulated phones on 127.0.0.N until their lifetime ends or SIGINT/SIGTERM. "
                    "Reset one with: python3 kick_phone.py 127.0.0.N")
    parser.add_argument("--server", required=True, help="HOST:PORT of the TFTP server")
    parser.add_argument("--fleet", help="CSV with columns mac, model, load (and optionally ip)")
    parser.add_argument("--model", default="7941")
    parser.add_argument("--mac", default="00:80:41:AE:FD:7E")
    parser.add_argument("--load", help="the load the phone runs, e.g. SCCP41.8-3-1S")
    parser.add_argument("--ip", default="127.0.0.2", help="the first phone's address")
    parser.add_argument("--http", action="store_true", help="serve DeviceInformationX on port 80")
    parser.add_argument("--flash-time", type=float, default=2.0)
    parser.add_argument("--lifetime", type=float, default=600.0)
    args = parser.parse_args(argv)
    if (args.fleet is None) == (args.load is None):
        parser.error("give --load (one phone) or --fleet CSV")
    host, _, port = args.server.rpartition(":")
    rows = [{"mac": args.mac, "model": args.model, "load": args.load}]
    if args.fleet:
        with open(args.fleet, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with Fleet((host, int(port)), first_ip=args.ip, http=args.http, flash_time=args.flash_time,
               lifetime=args.lifetime) as fleet:
        for row in rows:
            device = fleet.add(row["model"].strip(), row["load"].strip(), mac=row["mac"],
                               ip=(row.get("ip") or "").strip() or None)
            print(f"{device.ip} {device.model} SEP{device.mac} running {device.load}", flush=True)
        shown = {device.ip: 0 for device in fleet.phones}
        end = time.monotonic() + args.lifetime
        while not stop.is_set() and time.monotonic() < end:
            for device in fleet.phones:
                for _, text in device.events[shown[device.ip]:]:
                    print(f"{device.ip} {text} (runs {device.load})", flush=True)
                shown[device.ip] = len(device.events)
            stop.wait(0.2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
