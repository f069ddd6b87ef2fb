#!/usr/bin/env python3
"""How fast `fwplan rollout follow` reads a TFTP server's log (fwplan issue 11).

The goals: `fwplan rollout follow --once` over a 1,000,000-line log of a 10,000-phone rollout
costs at most 3x what `grep -c 'RRQ from'` of the same file costs (a person's way of watching
a rollout: `tail -F /var/log/syslog | grep tftpd`), and `fwplan rollout status --json` of those
10,000 phones takes under 0.2 s.

What it does:
1. a TFTP root with the 7941 packages staged, a fleet CSV of N phones (default 10,000) on
   SCCP41.8-3-1S, `fwplan rollout start` (untimed);
2. a syslog file of about L lines (default 1,000,000): every phone's two-step walk as
   tftpd-hpa logs it (trust files not found, config, .loads, five components, the reboots,
   the files asked for after a config), phones interleaved as many phones booting at once
   are, and lines of other programs between them;
3. R rounds (default 5), alternating: `fwplan rollout follow --once` on a fresh copy of the
   started state, then `grep -c 'RRQ from'` of the log; both warm (the log is read once
   untimed first); the medians and their ratio;
4. the reading alone: the same rounds over a log of as many phones of another site (same
   shape, other MACs and addresses): every line is read and parsed, no phone of the rollout
   moves, so what it costs beyond grep is the log reader's own;
5. `fwplan --json rollout status` of the walked rollout, R times: the median.

    python3 tools/bench/rollout_vs_grep.py --fwplan build/release/tools/fwplan/fwplan
"""
import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "cli"))
import rollout_logs as logs  # noqa: E402


def default_fwplan():
    for preset in ("release", "ci", "dev"):
        candidate = ROOT / "build" / preset / "tools" / "fwplan" / "fwplan"
        if candidate.exists():
            return candidate
    return Path("fwplan")


def mac_of(i):
    return "00:1b:%02x:%02x:%02x:%02x" % (i >> 24 & 0xFF, i >> 16 & 0xFF, i >> 8 & 0xFF, i & 0xFF)


def write_log(path, phones, lines_wanted, seed=1, first=0):
    """Every phone's walk, interleaved: phones start a few seconds apart, each one's lines keep
    their own order; other programs' lines fill up to `lines_wanted`. Phone numbers start at
    `first` (a log of phones of another rollout when that is past the fleet)."""
    rng = random.Random(seed)
    start = time.time() + 60
    per_phone = []
    for i in range(first, first + phones):
        log = logs.Log(start=start + i * 0.05)
        ip = "10.%d.%d.%d" % (i >> 16 & 0xFF, i >> 8 & 0xFF, i & 0xFF)
        logs.two_step_walk(log, mac_of(i), ip)
        per_phone.append(log.lines)
    # Merge by time: every line carries its own timestamp (seconds), stable within a phone.
    tftp = sum(len(x) for x in per_phone)
    noise_per = max(0, lines_wanted - tftp) / max(1, tftp)
    stamped = []
    year = time.localtime().tm_year
    for lines in per_phone:
        for line in lines:
            when = time.mktime(time.strptime(f"{year} {line[:15]}", "%Y %b %d %H:%M:%S"))
            stamped.append((when, len(stamped), line))
    stamped.sort()
    with open(path, "w") as out:
        count = 0
        for when, _, line in stamped:
            out.write(line + "\n")
            count += 1
            while rng.random() < noise_per / (1 + noise_per) and count < lines_wanted:
                stamp = line[:15]
                out.write(f"{stamp} pbx kernel: [12345.678] eth0: link up, 1000Mbps, "
                          f"full-duplex, lpa 0x45E1 seq {count}\n")
                count += 1
    return count, tftp


def timed(argv, **kwargs):
    begin = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - begin


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fwplan", type=Path, default=default_fwplan())
    parser.add_argument("--phones", type=int, default=10000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    fwplan = str(args.fwplan.resolve())
    work = Path(tempfile.mkdtemp(prefix="fwplan-rollout-bench-"))
    try:
        root = work / "tftp"
        root.mkdir()
        packages = ROOT / "testdata" / "packages"
        subprocess.run([fwplan, "stage", "--tftp-root", root, "--factory-default",
                        "SIP41.9-4-2SR3-1S", packages / "cmterm-7941_7961-sccp.8-5-2.zip",
                        packages / "cmterm-7941_7961-sip.9-4-2SR3-1.zip"],
                       check=True, stdout=subprocess.DEVNULL)
        csv = work / "fleet.csv"
        csv.write_text("mac,model,load\n" + "".join(f"{mac_of(i)},7941,SCCP41.8-3-1S\n"
                                                     for i in range(args.phones)))
        started = work / "started.sqlite"
        begin = time.perf_counter()
        subprocess.run([fwplan, "rollout", "start", "--tftp-root", root, "--state", started,
                        "--fleet", csv, "--sip-server", "10.0.0.1"], check=True,
                       stdout=subprocess.DEVNULL)
        print(f"start of {args.phones} phones: {time.perf_counter() - begin:.2f} s (untimed "
              "in the comparison)")
        log = work / "syslog"
        count, tftp = write_log(log, args.phones, args.lines)
        print(f"log: {count} lines ({tftp} of tftpd-hpa), {log.stat().st_size / 1e6:.1f} MB")
        log.read_bytes()  # warm

        def rounds(log_path, state):
            """R rounds, alternating: follow --once on a fresh copy of the started state, then
            grep -c of the same log. The two lists of times."""
            follow, grep = [], []
            for r in range(args.rounds):
                for suffix in ("", "-wal", "-shm"):
                    p = Path(str(state) + suffix)
                    if p.exists():
                        p.unlink()
                shutil.copyfile(started, state)
                follow.append(timed([fwplan, "rollout", "follow", "--tftp-root", root, "--state",
                                     state, "--log", log_path, "--once", "-q"]))
                grep.append(timed(["grep", "-c", "RRQ from", str(log_path)]))
                print(f"  round {r + 1}: follow {follow[-1]:.3f} s, grep {grep[-1]:.3f} s")
            return follow, grep

        state = work / "state.sqlite"
        follow, grep = rounds(log, state)
        others = work / "syslog-others"
        write_log(others, args.phones, args.lines, first=args.phones)
        others.read_bytes()  # warm
        print("the reading alone:")
        reading, reading_grep = rounds(others, work / "spare.sqlite")
        done = subprocess.run([fwplan, "--json", "rollout", "status", "--tftp-root", root,
                               "--state", state], check=True, capture_output=True, text=True)
        states = {}
        import json
        for p in json.loads(done.stdout)["phones"]:
            states[p["state"]] = states.get(p["state"], 0) + 1
        print(f"after follow: {states}")
        status = [timed([fwplan, "--json", "rollout", "status", "--tftp-root", root, "--state",
                         state]) for _ in range(args.rounds)]
        f, g, s = statistics.median(follow), statistics.median(grep), statistics.median(status)
        print(f"follow --once: median {f:.3f} s (min {min(follow):.3f}, max {max(follow):.3f})")
        print(f"grep -c:       median {g:.3f} s (min {min(grep):.3f}, max {max(grep):.3f})")
        print(f"ratio of the medians: {f / g:.2f}x (goal <= 3x)")
        rf, rg = statistics.median(reading), statistics.median(reading_grep)
        print(f"reading alone (a log of {args.phones} phones of another site): follow --once "
              f"median {rf:.3f} s, grep -c {rg:.3f} s, ratio {rf / rg:.2f}x")
        print(f"status --json of {args.phones} phones: median {s:.3f} s (goal < 0.2 s)")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
