"""TFTP server logs of phones booting, for the rollout tests and benchmark: the line shapes
tftpd-hpa, dnsmasq, atftpd and journald write (tests/e2e/README.md has the ones measured from
the real servers), for the boot sequences notes of docs/phone-files.md §7 give (docs/rollout.md):

  Java 79xx: CTLSEP<MAC>.tlv (not found), ITLSEP<MAC>.tlv (not found), SEP<MAC>.cnf.xml, and
  when the config names another load: <LOAD>.loads, each component in order, reboot;
  otherwise the files a phone asks for after its config (dialplan.xml).

Nothing here knows fwplan's rules: a Boot is the list of files a phone asks for."""
import json
import time

CLASSIC = "%b %d %H:%M:%S"


class Log:
    """Lines of one TFTP server, in time order, in one format."""

    def __init__(self, fmt="tftpd-hpa", host="pbx", root="/srv/tftp", start=None):
        self.fmt = fmt
        self.host = host
        self.root = root
        # Lines logged before `fwplan rollout start` do not count, and a test may start
        # rollouts over one log for minutes (the crash sweep): the log begins well ahead.
        self.now = start if start is not None else time.time() + 300
        self.lines = []
        self.pid = 2000

    def _stamp(self, when):
        if self.fmt == "rfc3339":
            return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(when)) + "+00:00"
        day = time.strftime("%b", time.localtime(when)) + " " + "%2d" % time.localtime(when).tm_mday
        return day + time.strftime(" %H:%M:%S", time.localtime(when))

    def _syslog(self, program, message, when, pid=None):
        pid = pid if pid is not None else self.pid
        if self.fmt == "journal-json":
            self.lines.append(json.dumps({
                "__REALTIME_TIMESTAMP": str(int(when * 1_000_000)),
                "_HOSTNAME": self.host, "SYSLOG_IDENTIFIER": program, "_PID": str(pid),
                "MESSAGE": message}))
        elif self.fmt == "dnsmasq":
            self.lines.append(f"{self._stamp(when)} {program}[{pid}]: {message}")
        else:
            self.lines.append(f"{self._stamp(when)} {self.host} {program}[{pid}]: {message}")

    def request(self, ip, name, found=True, dt=1.0):
        """One read request (and its NAK when the file is not there)."""
        self.now += dt
        self.pid += 1
        if self.fmt == "dnsmasq":
            if found:
                self._syslog("dnsmasq-tftp", f"sent {self.root}/{name} to {ip}", self.now)
            else:
                self._syslog("dnsmasq-tftp", f"file {self.root}/{name} not found for {ip}", self.now)
            return
        if self.fmt == "atftpd":
            self._syslog("atftpd", f"Serving {name} to {ip}:{3000 + self.pid % 1000}", self.now)
            return
        self._syslog("in.tftpd", f"RRQ from {ip} filename {name}", self.now)
        if not found:
            self._syslog("in.tftpd", f"sending NAK (1, File not found) to {ip}", self.now)

    def other(self, dt=1.0, message="(root) CMD (true)"):
        """A line of another program: only its time matters."""
        self.now += dt
        self._syslog("CRON", message, self.now, pid=99)

    def text(self):
        return "".join(line + "\n" for line in self.lines)


def boot(log, mac, ip, loads=None, components=(), after=("dialplan.xml",), gap=2.0):
    """One Java 79xx boot: its trust files, its config; the step's .loads and components when
    `loads` is given (it is installing), else what it asks for after its config."""
    hexmac = mac.replace(":", "").upper()
    log.request(ip, f"CTLSEP{hexmac}.tlv", found=False, dt=gap)
    log.request(ip, f"ITLSEP{hexmac}.tlv", found=False, dt=0.2)
    log.request(ip, f"SEP{hexmac}.cnf.xml", dt=0.2)
    if loads:
        log.request(ip, loads, dt=0.5)
        for name in components:
            log.request(ip, name, dt=gap)
    else:
        for name in after:
            log.request(ip, name, dt=0.5)


# The 7941's loads and components in the synthetic testdata (cmterm-7941_7961-*.zip).
SCCP852 = ("SCCP41.8-5-2S.loads", ["jar41sccp.8-5-2TH1-9.sbn", "cnu41.8-5-2TH1-9.sbn",
                                   "apps41.8-5-2TH1-9.sbn", "dsp41.8-5-2TH1-9.sbn",
                                   "cvm41sccp.8-5-2TH1-9.sbn"])
SIP942 = ("SIP41.9-4-2SR3-1S.loads", ["jar41sip.9-4-2ES26.sbn", "cnu41.9-4-2ES26.sbn",
                                     "apps41.9-4-2ES26.sbn", "dsp41.9-4-2ES26.sbn",
                                     "cvm41sip.9-4-2ES26.sbn"])


def bridge_step(log, mac, ip, settle=40.0):
    """Step 1 of a 7941 on SCCP41.8-3-1S: boot reading step 1, install 8.5(2), reboot, then
    quiet long enough for it to settle there."""
    boot(log, mac, ip, *SCCP852)
    boot(log, mac, ip)
    log.other(dt=settle)


def two_step_walk(log, mac, ip, settle=40.0):
    """A 7941 from SCCP41.8-3-1S to SIP41.9-4-2SR3-1S through SCCP41.8-5-2S, reset after each
    config change: the bridge step, then boot again after the reset reading step 2, install
    9.4(2)SR3, reboot (settles)."""
    bridge_step(log, mac, ip, settle)
    boot(log, mac, ip, *SIP942)
    boot(log, mac, ip)
    log.other(dt=settle)
