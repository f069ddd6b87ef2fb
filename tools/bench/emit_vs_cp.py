#!/usr/bin/env python3
"""How `fwplan emit` compares with `cp -r` of the tree it writes (fwplan issue 5, item 7).

The goal: emitting 10,000 phones x 3 steps costs no more than 2x what `cp -r` of the same
output tree costs on the same machine.

What it does:
1. writes a fleet CSV of N phones (default 10,000) that each take 3 steps: 7960s and
   7940s on SIP 5.3 (P0S3-05-3-00), which climb 6.0 -> 7.4 -> 8.12 (rule S-03), each with its
   own line (extension, display name), as a real inventory has;
2. runs `fwplan emit --fleet` once untimed and checks that every phone takes 3 steps;
3. then R rounds (default 5), alternating: `fwplan emit` into an empty folder, then
   `cp -r` of that tree into another empty folder. Caches cannot be dropped without root,
   so both run warm; `sync` runs (untimed) before each timed command so that neither pays
   for the other's dirty pages. Removing the previous output is not timed.
4. prints the median (and min/max) of each and the ratio of the medians.

With --hyperfine it also runs hyperfine on the two commands (not alternating) for a
second opinion.

    python3 tools/bench/emit_vs_cp.py --fwplan build/release/tools/fwplan/fwplan
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def default_fwplan():
    for preset in ("release", "ci", "dev"):
        candidate = ROOT / "build" / preset / "tools" / "fwplan" / "fwplan"
        if candidate.exists():
            return candidate
    return Path("fwplan")


def write_fleet(path, phones, with_lines):
    """A deterministic fleet: every phone SIP 5.3 -> 8.12 in three steps."""
    rows = ["mac,model,load,target,line_name,display_name" if with_lines
            else "mac,model,load,target"]
    for i in range(phones):
        mac = "00:19:e8:%02x:%02x:%02x" % ((i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF)
        model = "7960" if i % 3 else "7940"
        row = f"{mac},{model},P0S3-05-3-00,P0S3-8-12-00"
        if with_lines:
            row += f",{2000 + i},\"Desk {i}, floor {i % 7}\""
        rows.append(row)
    path.write_text("\r\n".join(rows) + "\r\n")


def tree_size(root):
    files = 0
    size = 0
    for dirpath, _, names in os.walk(root):
        for name in names:
            files += 1
            size += os.lstat(os.path.join(dirpath, name)).st_size
    return files, size


def remove(path):
    # rm -rf: much faster than shutil.rmtree on 60,000 files.
    subprocess.run(["rm", "-rf", str(path)], check=True)


def timed(command, cpu):
    """Wall time of one run; its CPU time (user + system, all threads) goes into `cpu`."""
    subprocess.run(["sync"], check=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return wall


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fwplan", type=Path, default=default_fwplan())
    parser.add_argument("--phones", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where to write (default: a temporary folder, removed after)")
    parser.add_argument("--no-lines", action="store_true",
                        help="phones without their own line (one shared template)")
    parser.add_argument("--hyperfine", action="store_true", help="also run hyperfine")
    args = parser.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="fwplan-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    fleet = work / "fleet.csv"
    out = work / "out"
    copy = work / "copy"
    write_fleet(fleet, args.phones, not args.no_lines)
    emit = [str(args.fwplan), "emit", "--fleet", str(fleet), "--out", str(out),
            "--sip-server", "192.0.2.10"]
    cp = ["cp", "-r", str(out), str(copy)]

    try:
        remove(out)
        subprocess.run(emit, check=True, stdout=subprocess.DEVNULL)
        plan = json.loads((out / "plan.json").read_text())
        steps = {m["model"]: m["by_steps"] for m in plan["models"]}
        if plan["planned"] != args.phones or any(
                s != [{"steps": 3, "phones": s[0]["phones"]}] for s in steps.values()):
            sys.exit(f"the fleet does not take 3 steps per phone: {steps}")
        files, size = tree_size(out)
        print(f"fleet: {args.phones} phones x 3 steps ({'own lines' if not args.no_lines else 'shared template'}); "
              f"tree: {files} files, {size / 1e6:.1f} MB in {len(plan['folders'])} folders")

        emit_times, cp_times, emit_cpu, cp_cpu = [], [], [], []
        for _ in range(args.rounds):
            remove(out)
            emit_times.append(timed(emit, emit_cpu))
            remove(copy)
            cp_times.append(timed(cp, cp_cpu))

        def show(name, times, cpu):
            print(f"{name:12} median {statistics.median(times):7.3f} s   "
                  f"min {min(times):7.3f} s   max {max(times):7.3f} s   "
                  f"(CPU median {statistics.median(cpu):6.3f} s; {len(times)} runs)")

        show("fwplan emit", emit_times, emit_cpu)
        show("cp -r", cp_times, cp_cpu)
        ratio = statistics.median(emit_times) / statistics.median(cp_times)
        print(f"ratio emit / cp -r (medians): {ratio:.2f} (goal: at most 2.00)")

        if args.hyperfine and shutil.which("hyperfine"):
            subprocess.run(["hyperfine", "--runs", str(args.rounds), "--warmup", "1",
                            "--prepare", f"rm -rf {out}; sync", " ".join(emit)], check=True)
            subprocess.run(["hyperfine", "--runs", str(args.rounds), "--warmup", "1",
                            "--prepare", f"rm -rf {copy}; sync", " ".join(cp)], check=True)
        return 0 if ratio <= 2.0 else 1
    finally:
        if args.workdir is None:
            remove(work)


if __name__ == "__main__":
    sys.exit(main())
