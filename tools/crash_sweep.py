#!/usr/bin/env python3
"""The crash sweep of issue 14, by hand (not in CI): SIGKILL `fwplan stage` and
`fwplan stage --undo` at many moments, then look at the root and run the command again.

    python3 tools/crash_sweep.py --fwplan build/ci/tools/fwplan/fwplan --kills 200

Each kill of a stage starts from the same root (a naive unzip of an older 7941 package),
stages newer packages into it with --factory-default and --force (files created and
replaced, term files chosen), and is killed after a delay swept over the length of a clean
run. Each kill of an undo starts from that root staged cleanly. After each kill:

- torn files: a name a phone could ask for that holds neither its old nor its new content
  (or an old name that is gone): there must be none;
- the same command is run again to completion, and the root compared with what a clean run
  gives (the staged root for a stage, the original root for an undo), fwplan's own hidden
  files left aside but no stage folder left behind.

Prints kills (those that hit a running fwplan), torn files and reruns that matched.
Scratch roots go into a temporary folder (--work to choose it), removed at the end.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1]
PACKAGES = SOURCE / "testdata" / "packages"
OLD = PACKAGES / "cmterm-7941_7961-sccp.8-5-2.zip"
NEW = [PACKAGES / "cmterm-7941_7961-sccp.8-5-4.zip",
       PACKAGES / "cmterm-7941_7961-sip.8-5-4.zip",
       PACKAGES / "cmterm-7941_7961-sip.9-4-2SR3-1.zip",
       PACKAGES / "cmterm-7942_7962-sip.9-4-2SR3-1.zip",
       PACKAGES / "cmterm-7970_7971-sip.9-4-2SR3-1.zip",
       PACKAGES / "cmterm-7945_7965-sip.9-4-2SR4-3.zip"]
STAGE_OPTIONS = ["--force", "--factory-default", "SIP41.9-4-2SR3-1S",
                 "--factory-default", "SIP42.9-4-2SR3-1S", "--factory-default",
                 "SIP70.9-4-2SR3-1S", "--factory-default", "SIP45.9-4-2SR4-3S"]


def visible(root):
    """Every file a phone could ask for (no hidden names), with its bytes."""
    return {p.name: p.read_bytes() for p in root.iterdir()
            if not p.name.startswith(".") and p.is_file()}


def leftovers(root):
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".fwplan-stage-"))


def naive_unzip(package, root):
    with zipfile.ZipFile(package) as z:
        for info in z.infolist():
            if not info.is_dir():
                (root / os.path.basename(info.filename)).write_bytes(z.read(info))


class Sweep:
    def __init__(self, fwplan, work):
        self.fwplan = fwplan
        self.work = work
        self.initial = work / "initial"
        self.initial.mkdir()
        naive_unzip(OLD, self.initial)
        self.old = visible(self.initial)
        self.staged = work / "staged"
        shutil.copytree(self.initial, self.staged)
        done = self.run(self.stage_args(self.staged))
        if done.returncode != 0:
            sys.exit("a clean stage failed:\n" + done.stderr)
        self.new = visible(self.staged)
        self.counter = 0
        self.kills = {"stage": 0, "undo": 0}
        self.missed = {"stage": 0, "undo": 0}
        self.torn = []
        self.matched = {"stage": 0, "undo": 0}
        self.mismatches = []
        self.already_done = 0

    def stage_args(self, root):
        return ["stage", "--tftp-root", str(root), *STAGE_OPTIONS, *map(str, NEW)]

    @staticmethod
    def undo_args(root):
        return ["stage", "--tftp-root", str(root), "--undo"]

    def run(self, args):
        return subprocess.run([self.fwplan, "-q", *args], capture_output=True, text=True,
                              timeout=120)

    def clean_duration(self, kind, runs=5):
        """How long a clean run of `kind` takes (the median of a few)."""
        times = []
        for _ in range(runs):
            root = self.fresh(kind)
            args = self.stage_args(root) if kind == "stage" else self.undo_args(root)
            start = time.monotonic()
            done = self.run(args)
            times.append(time.monotonic() - start)
            if done.returncode != 0 or visible(root) != (self.new if kind == "stage" else self.old):
                sys.exit(f"a clean {kind} failed:\n{done.stderr}")
            shutil.rmtree(root)
        return sorted(times)[len(times) // 2]

    def fresh(self, kind):
        """A root to kill `kind` in. For an undo it is staged here, not copied: the journal
        knows the staged files by inode, and a copy has other inodes (so an undo would
        rightly leave every file alone as changed since the stage)."""
        self.counter += 1
        root = self.work / f"{kind}-{self.counter}"
        shutil.copytree(self.initial, root)
        if kind == "undo":
            done = self.run(self.stage_args(root))
            if done.returncode != 0 or visible(root) != self.new:
                sys.exit("a clean stage failed:\n" + done.stderr)
        return root

    def kill_once(self, kind, delay):
        root = self.fresh(kind)
        args = self.stage_args(root) if kind == "stage" else self.undo_args(root)
        process = subprocess.Popen([self.fwplan, "-q", *args], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        if process.returncode != -signal.SIGKILL:
            self.missed[kind] += 1  # it had finished: not a kill
            shutil.rmtree(root)
            return
        self.kills[kind] += 1

        # Every name holds a whole file, old or new; no old name is gone.
        now = visible(root)
        for name in self.old:
            if name not in now:
                self.torn.append(f"{kind} killed after {delay * 1000:.1f} ms: {name} is gone")
        for name, content in now.items():
            if content != self.old.get(name) and content != self.new.get(name):
                self.torn.append(f"{kind} killed after {delay * 1000:.1f} ms: {name} is torn")

        # The same command again finishes (or takes back) what was interrupted. An undo
        # killed after its last durable step was done: its rerun finds nothing to undo.
        again = self.run(args)
        want = self.new if kind == "stage" else self.old
        result = visible(root)
        finished = again.returncode == 0 or (
            kind == "undo" and again.returncode == 1 and
            "fwplan.stage.nothing-to-undo" in again.stderr)
        if finished and result == want and not leftovers(root):
            self.matched[kind] += 1
            if again.returncode != 0:
                self.already_done += 1
        else:
            differing = sorted(n for n in set(result) | set(want) if result.get(n) != want.get(n))
            self.mismatches.append(
                f"{kind} killed after {delay * 1000:.1f} ms: rerun exit {again.returncode}, "
                f"differs in {differing[:5]}, left {leftovers(root)}: {again.stderr.strip()[:300]}")
        shutil.rmtree(root)

    def sweep(self, kind, kills, duration):
        # Delays over the whole run and a little past it, in a fixed order so that two sweeps
        # of one build hit the same moments as nearly as timing allows.
        for i in range(kills):
            self.kill_once(kind, duration * 1.1 * (i + 0.5) / kills)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fwplan", default=str(SOURCE / "build" / "ci" / "tools" / "fwplan" /
                                                "fwplan"))
    parser.add_argument("--kills", type=int, default=200,
                        help="kills of each kind to attempt (stage and undo), default 200")
    parser.add_argument("--work", help="scratch folder (default: a temporary one)")
    args = parser.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="fwplan-crash-sweep-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        sweep = Sweep(args.fwplan, work)
        for kind in ("stage", "undo"):
            duration = sweep.clean_duration(kind)
            print(f"{kind}: a clean run takes {duration * 1000:.1f} ms; "
                  f"{args.kills} kills spread over it", flush=True)
            sweep.sweep(kind, args.kills, duration)
        kills = sum(sweep.kills.values())
        matched = sum(sweep.matched.values())
        print(f"kills: {kills} (stage {sweep.kills['stage']}, undo {sweep.kills['undo']}; "
              f"{sum(sweep.missed.values())} more runs had finished before the signal)")
        print(f"torn files: {len(sweep.torn)}")
        print(f"reruns that matched a clean run: {matched} of {kills} "
              f"(stage {sweep.matched['stage']}, undo {sweep.matched['undo']}, of which "
              f"{sweep.already_done} undos had been killed once done)")
        for line in sweep.torn[:20] + sweep.mismatches[:20]:
            print("  " + line)
        return 0 if not sweep.torn and matched == kills else 1
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
