"""Run Debian's tftpd-hpa (`in.tftpd`) on a free loopback UDP port for the end-to-end tests.

The server runs exactly as on a real provisioning host: chrooted into the TFTP root
(--secure) and without --permissive, so it serves only world-readable files. A file that
fwplan stages with mode 0600 therefore fails here the way it would fail a real phone.

Example:
    from tftp_server import TftpServer
    from tftp_client import fetch
    with TftpServer("/srv/tftp") as server:          # unittest.SkipTest if in.tftpd is missing
        fetch(server.host, server.port, "SEP008041AEFD7E.cnf.xml")
    # stopped here, also when the body raised

With a syslog (syslog_server.SyslogServer) it runs with -v -v, as a provisioning host that
shows rollout progress would ("RRQ from <ip> filename <name>" at -v, "sending NAK (<code>,
<text>) to <ip>" at -vv; hpax/tftp-hpa tftpd/tftpd.c), and logs into that server through a
private /dev/log:
    with SyslogServer(folder) as syslog, TftpServer(root, syslog=syslog) as server:
        ...
"""
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

from process_group import stop_group
from tftp_client import probe

HOST = "127.0.0.1"
CANDIDATES = ("/usr/sbin/in.tftpd", "/sbin/in.tftpd")


def find_tftpd():
    """The in.tftpd binary, or None."""
    env = os.environ.get("FWPLAN_TFTPD")
    if env:
        return env if os.access(env, os.X_OK) else None
    for candidate in CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("in.tftpd")


def _group_members(pgid):
    """PIDs in process group `pgid` (Linux /proc; empty elsewhere)."""
    members = set()
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if len(fields) > 2 and int(fields[2]) == pgid:  # fields: state ppid pgrp ...
            members.add(int(stat_file.parent.name))
    return members


def free_udp_port():
    """A UDP port on 127.0.0.1 that nobody holds right now (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class TftpServer:
    """A context manager: start in.tftpd serving `root` on a free port of 127.0.0.1, wait
    until it answers, stop it on exit (whatever happened inside the block).

    Raises unittest.SkipTest when in.tftpd is not installed (Debian package tftpd-hpa,
    which tools/bootstrap.sh installs), RuntimeError when it is installed but will not start."""

    def __init__(self, root, *, start_timeout=5.0, syslog=None, verbosity=None):
        """syslog: a running SyslogServer to log into (in.tftpd then runs in a private mount
        namespace whose /dev/log is that server's socket). verbosity: how many -v (2 with a
        syslog, else 0: without one, nobody reads the lines)."""
        self.root = Path(root).resolve()
        self.syslog = syslog
        self.verbosity = (2 if syslog is not None else 0) if verbosity is None else verbosity
        self.host = HOST
        self.port = None
        self.start_timeout = start_timeout
        self._process = None
        self._log = None

    def command(self, port):
        user = pwd.getpwuid(os.geteuid()).pw_name
        # --foreground: stay attached so we own the process; --secure: chroot into the root,
        # requests name files relative to it (needs root: chroot(2)); --user: the account
        # the transfers run as after the chroot (root here; tftpd-hpa's default is nobody,
        # who could not read a 0700 temporary folder).
        command = [self.binary, "--foreground", "--listen", "--address", f"{HOST}:{port}",
                   "--secure", "--user", user, *["-v"] * self.verbosity, str(self.root)]
        return self.syslog.wrap(command) if self.syslog is not None else command

    def __enter__(self):
        self.binary = find_tftpd()
        if self.binary is None:
            raise unittest.SkipTest("in.tftpd not found (install the Debian package tftpd-hpa: "
                                    "tools/bootstrap.sh test does); "
                                    "the e2e tests need a real TFTP server")
        if os.geteuid() != 0:
            # Not a skip: a silent skip would hide the e2e tests on a misconfigured CI runner.
            raise RuntimeError("in.tftpd --secure must chroot into the TFTP root, which needs root: "
                               "run the e2e tests as root (CI does), "
                               "or leave them out with ctest -LE e2e")
        if not self.root.is_dir():
            raise FileNotFoundError(f"TFTP root {self.root} is not a folder")
        last_error = None
        for _ in range(5):  # the port we picked can be taken before in.tftpd binds it
            try:
                self._start(free_udp_port())
                return self
            except RuntimeError as error:
                last_error = error
                self.stop()
        raise last_error

    def __exit__(self, *exc):
        self.stop()
        return False

    def _start(self, port):
        self._log = tempfile.TemporaryFile()
        self._process = subprocess.Popen(self.command(port), stdin=subprocess.DEVNULL,
                                         stdout=self._log, stderr=subprocess.STDOUT,
                                         start_new_session=True)  # its own process group
        self.port = port
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"in.tftpd exited with code {self._process.returncode} at start: "
                                   f"{self.output()!r}; command: {' '.join(self.command(port))}")
            if probe(HOST, port):
                return
        raise RuntimeError(f"in.tftpd did not answer on {HOST}:{port} within {self.start_timeout:g} s; "
                           f"output: {self.output()!r}")

    def output(self):
        """What in.tftpd wrote to stdout/stderr so far (it logs to syslog otherwise)."""
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def stop(self):
        """Stop the server and the transfer children it forked (its process group)."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            # Let finished transfers be reaped by in.tftpd first: a child still in the group
            # when the parent dies is reparented to init, and a container's init may never
            # reap it (a zombie per test).
            deadline = time.monotonic() + 1.0
            while _group_members(process.pid) - {process.pid} and time.monotonic() < deadline:
                time.sleep(0.01)
        stop_group(process)
        if self._log is not None:
            self._log.close()
            self._log = None

    @property
    def running(self):
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self):
        return None if self._process is None else self._process.pid
