"""A real syslog path for the end-to-end tests: Debian's rsyslogd, started in the foreground
with a configuration of its own, receiving on a unix socket in the test's folder and writing
what it gets to a file there, the way /var/log/syslog is written on a provisioning host.

tftpd-hpa logs only through syslog(3), to /dev/log (hpax/tftp-hpa tftpd/tftpd.c; it has no
log-file option), and opens that socket before it chroots. The host's /dev/log is not
touched: `wrap(argv)` runs a program in a private mount namespace (`unshare --mount`, needs
root) whose /dev is a small tmpfs holding null, zero, random and urandom (bind-mounted from
the host) and `log`, a symlink to this server's socket. The namespace, and that /dev, end
with the program.

Example:
    with SyslogServer(folder, timestamps="rfc3339") as syslog, \\
            TftpServer(root, syslog=syslog) as server:       # in.tftpd -v -v, logging here
        fetch(server.host, server.port, "SEP008041AEFD7E.cnf.xml")
        syslog.wait_for(lambda lines: any("RRQ from" in line for line in lines), 5)
        print(syslog.lines())
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import uuid
from pathlib import Path

from process_group import stop_group

CANDIDATES = ("/usr/sbin/rsyslogd", "/sbin/rsyslogd")

# rsyslog's own templates (rsyslog.com doc "templates", the built-in ones). Debian 12's
# /etc/rsyslog.conf sets $ActionFileDefaultTemplate RSYSLOG_TraditionalFileFormat:
# `Mmm dd hh:mm:ss host tag: msg`; without that line (newer Debian) rsyslog writes
# RSYSLOG_FileFormat: an RFC 3339 timestamp with microseconds and the zone.
TEMPLATES = {"classic": "RSYSLOG_TraditionalFileFormat", "rfc3339": "RSYSLOG_FileFormat"}

# A unix socket path holds at most 107 bytes (sun_path, unix(7)).
MAX_SOCKET_PATH = 100

# Run "$@" with /dev/log pointing at "$2", in the mount namespace `unshare --mount` made.
_PRIVATE_DEV = r"""
set -e
dev="$1"; sock="$2"; shift 2
mount -t tmpfs -o size=64k,mode=755 fwplan-e2e-dev "$dev"
for name in null zero random urandom; do
    : > "$dev/$name"
    mount --bind "/dev/$name" "$dev/$name"
done
ln -s "$sock" "$dev/log"
mount --rbind "$dev" /dev
exec "$@"
"""


def find_rsyslogd():
    env = os.environ.get("FWPLAN_RSYSLOGD")
    if env:
        return env if os.access(env, os.X_OK) else None
    for candidate in CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("rsyslogd")


class SyslogServer:
    """A context manager: rsyslogd -n on a socket of its own, writing every line it receives
    to `log_path` (folder/syslog.log) in the classic or RFC 3339 format; stopped on exit,
    whatever happened in the block.

    folder: where its configuration, pid file, work directory and log go (created).
    timestamps: "classic" or "rfc3339". hostname: the host name written in each line (the
    machine's by default; set it to tell several servers apart in one file).
    Raises unittest.SkipTest when rsyslogd is not installed (Debian package rsyslog),
    RuntimeError when it will not start."""

    def __init__(self, folder, *, timestamps="classic", hostname=None, start_timeout=10.0):
        if timestamps not in TEMPLATES:
            raise ValueError(f"timestamps is one of {sorted(TEMPLATES)}, not {timestamps!r}")
        self.folder = Path(folder).resolve()
        self.timestamps = timestamps
        self.hostname = hostname
        self.start_timeout = start_timeout
        self.conf_path = self.folder / "rsyslog.conf"
        self.pid_path = self.folder / "rsyslogd.pid"
        self.work_dir = self.folder / "work"
        self.dev_dir = self.folder / "dev"
        self.log_path = self.folder / "syslog.log"
        self.socket_path = self.folder / "log.sock"
        self._short_dir = None
        self._process = None
        self._output = None

    # -- start and stop --

    def __enter__(self):
        binary = find_rsyslogd()
        if binary is None:
            raise unittest.SkipTest("rsyslogd not found (install the Debian package rsyslog: "
                                    "tools/bootstrap.sh test does)")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.work_dir.mkdir(exist_ok=True)
        self.dev_dir.mkdir(exist_ok=True)
        if len(str(self.socket_path)) > MAX_SOCKET_PATH:
            self._short_dir = Path(tempfile.mkdtemp(prefix="fwplan-syslog-"))
            self.socket_path = self._short_dir / "log.sock"
        self.conf_path.write_text(self.config(), encoding="utf-8")
        self._output = open(self.folder / "rsyslogd.out", "wb")
        try:
            self._process = subprocess.Popen(
                [binary, "-n", "-f", str(self.conf_path), "-i", str(self.pid_path)],
                stdin=subprocess.DEVNULL, stdout=self._output, stderr=subprocess.STDOUT,
                start_new_session=True)
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def config(self):
        """The whole rsyslog configuration (RainerScript): no system socket, no kernel log,
        one input (our socket, without rate limiting: a fleet's transfers come in bursts),
        one file."""
        host = f' localHostname="{self.hostname}"' if self.hostname else ""
        return (
            f'global(workDirectory="{self.work_dir}" processInternalMessages="on"{host})\n'
            'module(load="imuxsock" SysSock.Use="off")\n'
            f'input(type="imuxsock" Socket="{self.socket_path}" RateLimit.Interval="0")\n'
            f'*.* action(type="omfile" file="{self.log_path}" template="{TEMPLATES[self.timestamps]}")\n')

    def _wait_ready(self):
        deadline = time.monotonic() + self.start_timeout
        token = f"fwplan-e2e syslog ready {uuid.uuid4().hex}"
        sent = 0.0
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"rsyslogd exited with code {self._process.returncode} at start: "
                                   f"{self.output()!r}; config {self.conf_path}")
            if self.socket_path.exists() and time.monotonic() - sent > 0.5:
                self.send(token)
                sent = time.monotonic()
            if any(token in line for line in self.lines()):
                return
            time.sleep(0.02)
        raise RuntimeError(f"rsyslogd did not write a test message to {self.log_path} within "
                           f"{self.start_timeout:g} s; output: {self.output()!r}")

    def stop(self):
        """SIGTERM, then SIGKILL after 5 s; removes the socket's short folder if one was made."""
        process, self._process = self._process, None
        stop_group(process)
        if self._output is not None:
            self._output.close()
            self._output = None
        if self._short_dir is not None:
            shutil.rmtree(self._short_dir, ignore_errors=True)
            self._short_dir = None

    @property
    def running(self):
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self):
        return None if self._process is None else self._process.pid

    def output(self):
        path = self.folder / "rsyslogd.out"
        return path.read_text(errors="replace") if path.exists() else ""

    # -- using it --

    def send(self, message, tag="fwplan-e2e", priority=30):
        """Log one line as a program would (priority 30 = daemon.info)."""
        stamp = time.strftime("%b %e %H:%M:%S")
        packet = f"<{priority}>{stamp} {tag}[{os.getpid()}]: {message}".encode("utf-8")
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.sendto(packet, str(self.socket_path))

    def lines(self):
        """Every line in the log file so far."""
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

    def wrap(self, argv):
        """argv, run so that its syslog(3) reaches this server: a private mount namespace
        with /dev/log → our socket. Needs root and util-linux's unshare."""
        unshare = shutil.which("unshare")
        if unshare is None:
            raise RuntimeError("unshare not found (Debian package util-linux): needed to give "
                               "in.tftpd a private /dev/log")
        if os.geteuid() != 0:
            raise RuntimeError("a private /dev/log needs a mount namespace, which needs root")
        return [unshare, "--mount", "--propagation", "private", "--", "sh", "-c", _PRIVATE_DEV,
                "fwplan-e2e-dev", str(self.dev_dir), str(self.socket_path), *map(str, argv)]
