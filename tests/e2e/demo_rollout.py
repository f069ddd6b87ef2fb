#!/usr/bin/env python3
"""The demo's last part (tools/demo.sh): `fwplan rollout` walks two simulated phones through
their chains unattended, against a real tftpd-hpa whose requests rsyslogd writes to a log.

A 7941 on SCCP 8.3(1) must pass SCCP 8.5(2) before SIP 9.4(2)SR3; a 7960 on SIP 7.4 goes to
8.12 in one step. The phones are this folder's simulation (device.py: they ask for the
files a real phone asks for, flash, reboot and answer a SIP NOTIFY reset on 127.0.0.N);
fwplan sees them only through the TFTP server's log, and resets them with kick_phone.py.

    python3 tests/e2e/demo_rollout.py FWPLAN PACKAGES_FOLDER WORK_FOLDER   (as root)

Everything goes into WORK_FOLDER; the servers and phones stop at the end, whatever happens.
"""
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from device import Fleet  # noqa: E402
from syslog_server import SyslogServer  # noqa: E402
from tftp_server import TftpServer  # noqa: E402

PHONES = [("008041AEFD7E", "7941", "SCCP41.8-3-1S"), ("0019E8F41234", "7960", "P0S3-07-4-00")]
PACKAGES = ["cmterm-7941_7961-sccp.8-5-2.zip", "cmterm-7941_7961-sip.9-4-2SR3-1.zip",
            "P0S3-8-12-00.zip"]
# Seconds: a real 79xx takes minutes to flash; the simulation a moment, so the demo is short.
TIMES = dict(flash_time=1.5, reboot_time=0.3, retry_interval=0.5, tftp_timeout=1.0, lifetime=120.0)
WALK_TIMEOUT = 60.0


def bold(text):
    print(f"\n\033[1m{text}\033[0m", flush=True)


def run(fwplan, *args):
    bold("$ fwplan " + " ".join(str(a) for a in args))
    done = subprocess.run([fwplan, *map(str, args)], text=True, capture_output=True, timeout=60)
    sys.stdout.write(done.stdout)
    sys.stdout.write(done.stderr)
    sys.stdout.flush()
    if done.returncode != 0:
        raise SystemExit(f"fwplan exited {done.returncode}")


def echo_lines(stream, prefix):
    for line in stream:
        print(prefix + line.rstrip("\n"), flush=True)


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    fwplan, packages, work = argv[1], Path(argv[2]), Path(argv[3])
    root, state = work / "rollout-tftp", work / "rollout-state" / "walk.sqlite"
    root.mkdir(parents=True)
    state.parent.mkdir()
    where = ["--tftp-root", root, "--state", state]
    inventory = work / "phones.csv"
    inventory.write_text("mac,model,load\n" + "".join(f"{m},{model},{load}\n" for m, model, load in PHONES),
                         encoding="utf-8")

    run(fwplan, "stage", "--tftp-root", root, "--factory-default", "SIP41.9-4-2SR3-1S",
        *(packages / p for p in PACKAGES))
    run(fwplan, "rollout", "start", *where, "--fleet", inventory, "--sip-server", "127.0.0.1")
    with ExitStack() as stack:
        syslog = stack.enter_context(SyslogServer(work / "syslog", timestamps="rfc3339"))
        server = stack.enter_context(TftpServer(root, syslog=syslog))
        print(f"\ntftpd-hpa serves {root} on {server.host}:{server.port}; rsyslogd writes its "
              f"requests to {syslog.log_path}", flush=True)
        run(fwplan, "rollout", "status", *where)

        kick = f"{sys.executable} {HERE / 'kick_phone.py'} %i --timeout 3"
        follow = [fwplan, "rollout", "follow", *map(str, where), "--log", str(syslog.log_path),
                  "--settle-after", "2", "--kick", kick]
        bold("$ fwplan rollout follow ... --log " + str(syslog.log_path) + " --kick '" + kick + "' &")
        follower = subprocess.Popen(follow, text=True, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        stack.callback(lambda: follower.poll() is None and follower.kill())
        printer = threading.Thread(target=echo_lines, args=(follower.stdout, "  follow | "), daemon=True)
        printer.start()

        print("\nThe phones are powered up once (a person's only part); fwplan does the rest.",
              flush=True)
        fleet = stack.enter_context(Fleet((server.host, server.port), **TIMES))
        devices = [fleet.add(model, load, mac=mac) for mac, model, load in PHONES]
        # Half-way: once the 7941 runs its bridge load, what status says.
        devices[0].wait_until(lambda p: p.load == "SCCP41.8-5-2S", WALK_TIMEOUT / 2)
        run(fwplan, "rollout", "status", *where)
        try:
            code = follower.wait(timeout=WALK_TIMEOUT)
        except subprocess.TimeoutExpired:
            follower.kill()
            code = None
        printer.join(timeout=5)
        run(fwplan, "rollout", "status", *where)
        print("\nWhat the phones run now (their own word, not fwplan's):", flush=True)
        for device in devices:
            print(f"  {device.model} SEP{device.mac}: {device.load}, reset {device.resets} "
                  f"time(s) by the kick", flush=True)
        if code != 0:
            print(f"fwplan rollout follow did not end by itself (exit {code})", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
