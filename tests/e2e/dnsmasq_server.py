"""Debian's dnsmasq as the other TFTP server of the end-to-end tests: TFTP only (no DNS, no
DHCP), on one loopback address, logging to a file in the test's folder.

    dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --enable-tftp
            --tftp-root=ROOT --listen-address=127.0.1.1 --bind-interfaces
            --log-facility=FOLDER/dnsmasq.log --pid-file=FOLDER/dnsmasq.pid
            --user=root --group=root

TFTP listens on port 69 of that address (dnsmasq has no option for another port; hence one
address of its own, 127.0.1.1 by default). `--conf-file=/dev/null` keeps /etc/dnsmasq.conf and /etc/dnsmasq.d out; `--port=0` turns DNS
off; no --dhcp-range means no DHCP. dnsmasq(8): "If dnsmasq is being run as root ... only
files which have the world-readable bit set are accessible", the same rule tftpd-hpa applies
without --permissive, so a file staged 0600 fails here too (`cannot access …: Permission
denied`). Not --tftp-lowercase: it breaks SEP…/SCCP41… names (rollout.md §2).

What it logs (dnsmasq 2.90, Debian 12; see README.md "dnsmasq" for the lines measured):
`dnsmasq-tftp[PID]: sent ROOT/NAME to IP` after a transfer, `file ROOT/NAME not found for IP`
for a missing file, `failed sending ROOT/NAME to IP` when the client gave up (or timed out).
NAME is as the client asked, under the server's own root.

Example:
    with DnsmasqTftp(root, folder) as server:        # unittest.SkipTest without dnsmasq
        fetch(server.host, server.port, "SEP008041AEFD7E.cnf.xml", source="127.0.0.2")
        server.wait_for(lambda lines: any(" not found for 127.0.0.2" in l for l in lines), 5)
"""
import os
import shutil
import subprocess
import time
import unittest
from pathlib import Path

from process_group import stop_group
from tftp_client import probe

CANDIDATES = ("/usr/sbin/dnsmasq", "/sbin/dnsmasq")
DEFAULT_ADDRESS = "127.0.1.1"  # away from 127.0.0.1 (tftpd-hpa) and 127.0.0.2+ (the phones)


def find_dnsmasq():
    env = os.environ.get("FWPLAN_DNSMASQ")
    if env:
        return env if os.access(env, os.X_OK) else None
    for candidate in CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("dnsmasq")


class DnsmasqTftp:
    """A context manager: dnsmasq serving `root` over TFTP on address:69, logging to
    folder/dnsmasq.log; stopped on exit, whatever happened in the block."""

    def __init__(self, root, folder, *, address=DEFAULT_ADDRESS, start_timeout=5.0):
        self.root = Path(root).resolve()
        self.folder = Path(folder).resolve()
        self.host = address
        self.port = 69  # fixed: the "tftp" service port (dnsmasq(8) --tftp-port-range)
        self.start_timeout = start_timeout
        self.log_path = self.folder / "dnsmasq.log"
        self.pid_path = self.folder / "dnsmasq.pid"
        self._process = None
        self._output = None

    def command(self):
        return [self.binary, "--keep-in-foreground", "--conf-file=/dev/null", "--port=0",
                "--enable-tftp", f"--tftp-root={self.root}", f"--listen-address={self.host}",
                "--bind-interfaces", f"--log-facility={self.log_path}",
                f"--pid-file={self.pid_path}", "--user=root", "--group=root"]

    def __enter__(self):
        self.binary = find_dnsmasq()
        if self.binary is None:
            raise unittest.SkipTest("dnsmasq not found (install the Debian package dnsmasq: "
                                    "tools/bootstrap.sh test does)")
        if os.geteuid() != 0:
            raise RuntimeError("dnsmasq binds TFTP port 69, which needs root: run the e2e tests as root")
        if not self.root.is_dir():
            raise FileNotFoundError(f"TFTP root {self.root} is not a folder")
        self.folder.mkdir(parents=True, exist_ok=True)
        self._output = open(self.folder / "dnsmasq.out", "wb")
        try:
            self._process = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL,
                                             stdout=self._output, stderr=subprocess.STDOUT,
                                             start_new_session=True)
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def _wait_ready(self):
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"dnsmasq exited with code {self._process.returncode} at start: "
                                   f"{self.output()!r}; command: {' '.join(self.command())}")
            if probe(self.host, self.port):
                return
        raise RuntimeError(f"dnsmasq did not answer TFTP on {self.host}:{self.port} within "
                           f"{self.start_timeout:g} s; output: {self.output()!r}")

    def stop(self):
        process, self._process = self._process, None
        stop_group(process)
        if self._output is not None:
            self._output.close()
            self._output = None

    @property
    def running(self):
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self):
        return None if self._process is None else self._process.pid

    def output(self):
        path = self.folder / "dnsmasq.out"
        text = path.read_text(errors="replace") if path.exists() else ""
        return text + "".join(f"\n{line}" for line in self.lines()[-5:])

    def lines(self):
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return []

    def wait_for(self, predicate, timeout):
        """Wait until predicate(lines) is true; returns the lines (raises TimeoutError)."""
        deadline = time.monotonic() + timeout
        while True:
            lines = self.lines()
            if predicate(lines):
                return lines
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.log_path}: condition not met within {timeout:g} s; "
                                   f"last lines: {lines[-5:]}")
            time.sleep(0.02)
