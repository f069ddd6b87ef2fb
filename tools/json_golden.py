#!/usr/bin/env python3
"""The --json answers of fwplan on the shipped testdata, kept as golden files.

A refactoring must not change what fwplan tells programs. This script runs a fixed list of
commands (inspect, plan, stage --dry-run, check, emit, catalog) in a scratch folder, with the
testdata copied in, and either writes their stdout and exit codes to a folder of golden files
or compares them with it:

    tools/json_golden.py --fwplan build/ci/tools/fwplan/fwplan --write tests/golden
    tools/json_golden.py --fwplan build/ci/tools/fwplan/fwplan --compare tests/golden

A change that is meant to alter an answer rewrites the golden files in the same commit, so the
difference is there to read in the review. Scratch paths are replaced by `$WORK`, so the files
do not depend on where the run happened.
"""
import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1]

P = "testdata/packages"
L = "testdata/loose"

# name -> (setup, argv). setup names a function below that prepares the scratch folder.
CASES = [
    # inspect: every shape of package, loose files, broken and hostile input, a folder.
    ("inspect-7941-sccp-852", None, ["inspect", f"{P}/cmterm-7941_7961-sccp.8-5-2.zip"]),
    ("inspect-7941-sip-942sr3", None, ["inspect", f"{P}/cmterm-7941_7961-sip.9-4-2SR3-1.zip"]),
    ("inspect-bundle", None, ["inspect", f"{P}/bundle-7941_7961-sip.9-4-2SR3-1.zip"]),
    ("inspect-cop", None, ["inspect", f"{P}/cmterm-7942_7962-sip.9-4-2SR3-1.k3.cop.sgn"]),
    ("inspect-7960", None, ["inspect", f"{P}/P0S3-8-12-00.zip", f"{P}/cmterm-7940-7960-sccp.8-1-2.zip"]),
    ("inspect-78xx", None, ["inspect", f"{P}/cmterm-78xx.14-2-1-0101-26.zip"]),
    ("inspect-69xx", None, ["inspect", f"{P}/cmterm-69xx-sip.9-4-1-3SR2.zip"]),
    ("inspect-894x", None, ["inspect", f"{P}/cmterm-894x-sccp.9-4-2SR1-2.zip"]),
    ("inspect-loose", None, ["inspect", L]),
    ("inspect-packages", None, ["inspect", P]),
    ("inspect-broken-tlv", None, ["inspect", "testdata/broken/tlv-runs-past-header.loads"]),
    ("inspect-broken-78xx", None, ["inspect", "testdata/broken/78xx-sha256-mismatch.loads"]),
    ("inspect-hostile-slip", None, ["inspect", "testdata/hostile/zip-slip.zip"]),
    ("inspect-hostile-bomb", None, ["inspect", "testdata/hostile/bomb-ratio.zip"]),
    ("inspect-missing", None, ["inspect", "no-such-file.zip"]),
    # the shapes of real files of issue 12, and a downloads folder with a truncated zip.
    ("inspect-real-shapes", None, ["inspect", "testdata/real-shapes"]),
    ("inspect-downloads", None, ["inspect", "testdata/downloads"]),
    # plan: the README phone, other families, --firmware, failures.
    ("plan-7941", None, ["plan", "--model", "7941", "--from", "SCCP41.8-3-1S"]),
    ("plan-7941-firmware", None,
     ["plan", "--model", "7941", "--from", "SCCP41.8-3-1S", "--firmware", P]),
    ("plan-7960-sip4", None, ["plan", "--model", "7960", "--from", "P0S3-04-4-00"]),
    ("plan-7960-to-sccp", None,
     ["plan", "--model", "7960", "--from", "P0S3-8-12-00", "--to-protocol", "SCCP"]),
    ("plan-7942-hw", None,
     ["plan", "--model", "7942", "--from", "SCCP42.8-3-1S", "--hw-rev", "V15"]),
    ("plan-7970", None, ["plan", "--model", "7970", "--from", "SCCP70.8-3-3S"]),
    ("plan-7911-to-sccp", None,
     ["plan", "--model", "7911", "--from", "SIP11.8-5-4S", "--to-protocol", "SCCP"]),
    ("plan-no-from", None, ["plan", "--model", "7945"]),
    ("plan-wrong-family", None, ["plan", "--model", "7941", "--from", "SIP42.9-4-2SR3-1S"]),
    ("plan-unknown-model", None, ["plan", "--model", "7999", "--from", "SCCP41.8-3-1S"]),
    ("plan-bad-load", None, ["plan", "--model", "7941", "--from", "SCCP41.8-3"]),
    ("plan-8841-to-mpp", None,
     ["plan", "--model", "8841", "--from", "sip88xx.14-2-1-0101-26", "--to",
      "sip88xx.12-0-7MPP0201-66"]),
    ("plan-8841-mpp-to-enterprise", None,
     ["plan", "--model", "8841", "--from", "sip88xx.12-0-7MPP0201-66", "--to",
      "sip88xx.14-2-1-0101-26"]),
    # stage --dry-run: an empty root, a term-file conflict, a chosen default, a root with files.
    ("stage-dry-empty", "empty_root",
     ["stage", "--dry-run", "--tftp-root", "tftp", f"{P}/cmterm-7941_7961-sccp.8-5-2.zip"]),
    ("stage-dry-conflict", "empty_root",
     ["stage", "--dry-run", "--tftp-root", "tftp", f"{P}/cmterm-7941_7961-sccp.8-5-2.zip",
      f"{P}/cmterm-7941_7961-sip.9-4-2SR3-1.zip"]),
    ("stage-dry-default", "empty_root",
     ["stage", "--dry-run", "--tftp-root", "tftp", "--factory-default", "SIP41.9-4-2SR3-1S",
      f"{P}/cmterm-7941_7961-sccp.8-5-2.zip", f"{P}/cmterm-7941_7961-sip.9-4-2SR3-1.zip"]),
    ("stage-dry-over-root", "staged_root",
     ["stage", "--dry-run", "--tftp-root", "tftp", f"{P}/cmterm-7941_7961-sccp.8-5-4.zip",
      f"{P}/cmterm-7941_7961-sip.9-4-2SR3-1.zip"]),
    ("stage-dry-7960", "empty_root",
     ["stage", "--dry-run", "--tftp-root", "tftp", f"{P}/P0S3-8-12-00.zip",
      f"{P}/cmterm-7942_7962-sip.9-4-2SR3-1.k3.cop.sgn"]),
    ("stage-dry-no-root", None,
     ["stage", "--dry-run", "--tftp-root", "no-such-root", f"{P}/cmterm-7941_7961-sccp.8-5-2.zip"]),
    # check: a staged root, with configs, --firmware and --fleet.
    ("check-empty", "empty_root", ["check", "tftp"]),
    ("check-staged", "staged_root", ["check", "tftp"]),
    ("check-staged-firmware", "staged_root",
     ["check", "tftp", "--firmware", f"{P}/cmterm-7941_7961-sip.9-4-2SR3-1.zip",
      "--firmware", f"{P}/cmterm-7941_7961-sccp.8-5-4.zip"]),
    ("check-configs", "root_with_configs", ["check", "tftp"]),
    ("check-fleet", "root_with_configs", ["check", "tftp", "--fleet", "testdata/fleet/example-fleet.csv"]),
    ("check-loose", None, ["check", L]),
    ("check-os79xx-missing", None, ["check", "testdata/roots/os79xx-image-missing"]),
    ("check-3905", None, ["check", "testdata/roots/3905"]),
    # emit: one phone, a 7960, a template, a fleet.
    ("emit-7941", None,
     ["emit", "--mac", "00:80:41:ae:fd:7e", "--model", "7941", "--from", "SCCP41.8-3-1S",
      "--sip-server", "192.168.178.1", "--line-name", "620", "--auth-name", "620",
      "--password-file", "line620.pw", "--out", "out-7941"]),
    ("emit-7941-firmware", None,
     ["emit", "--mac", "00:80:41:ae:fd:7e", "--model", "7941", "--from", "SCCP41.8-3-1S",
      "--firmware", P, "--sip-server", "192.168.178.1", "--out", "out-7941-fw"]),
    ("emit-7960", None,
     ["emit", "--mac", "00:19:e8:f4:12:34", "--model", "7960", "--from", "P0S3-05-3-00",
      "--sip-server", "10.0.0.1", "--line-name", "627", "--password-file", "line620.pw",
      "--out", "out-7960"]),
    ("emit-template", None,
     ["emit", "--mac", "00:80:41:ae:fd:7e", "--model", "7941", "--from", "SCCP41.8-3-1S",
      "--template", "testdata/templates/7941-sip-fritzbox.cnf.xml", "--out", "out-template"]),
    ("emit-fleet", None,
     ["emit", "--fleet", "testdata/fleet/example-fleet.csv", "--sip-server", "192.168.178.1",
      "--out", "out-fleet"]),
    # catalog: the knowledge base as programs see it.
    ("catalog-7941", None, ["catalog", "--model", "7941"]),
    ("catalog-7960", None, ["catalog", "--model", "7960"]),
]


def empty_root(fwplan, work):
    (work / "tftp").mkdir()


def staged_root(fwplan, work):
    empty_root(fwplan, work)
    run(fwplan, work, ["stage", "--tftp-root", "tftp", "--factory-default", "SIP41.9-4-2SR3-1S",
                       f"{P}/cmterm-7941_7961-sccp.8-5-2.zip",
                       f"{P}/cmterm-7941_7961-sip.9-4-2SR3-1.zip"], check=True)


def root_with_configs(fwplan, work):
    staged_root(fwplan, work)
    run(fwplan, work, ["emit", "--fleet", "testdata/fleet/example-fleet.csv", "--sip-server",
                       "192.168.178.1", "--out", "configs"])
    for step in sorted((work / "configs").glob("step-1-*")):
        for f in sorted(step.iterdir()):
            if f.name.startswith("SEP") or f.name.startswith("SIP"):
                shutil.copyfile(f, work / "tftp" / f.name)


def run(fwplan, work, argv, check=False):
    env = dict(os.environ, NO_COLOR="1", LC_ALL="C.UTF-8", TZ="UTC")
    done = subprocess.run([fwplan, "--json", *argv], cwd=work, env=env, capture_output=True,
                          text=True, timeout=120)
    if check and done.returncode != 0:
        sys.exit(f"json_golden: setup failed: fwplan {' '.join(argv)}: {done.stderr}")
    return done


def answer(fwplan, name, setup, argv):
    """The answer of one case: the command, its exit code, then its stdout."""
    with tempfile.TemporaryDirectory(prefix="fwplan-golden-") as tmp:
        work = Path(tmp)
        shutil.copytree(SOURCE / "testdata", work / "testdata")
        (work / "line620.pw").write_text("K7w2p9Qz\n")
        if setup:
            globals()[setup](fwplan, work)
        done = run(fwplan, work, argv)
        # Byte for byte, as printed: only the scratch folder's name is replaced.
        out = done.stdout.replace(str(work.resolve()), "$WORK").replace(str(work), "$WORK")
        return f"# fwplan --json {' '.join(argv)}\n# exit {done.returncode}\n{out}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fwplan", required=True, help="the fwplan binary")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", metavar="DIR", help="write the golden files into DIR")
    mode.add_argument("--compare", metavar="DIR", help="compare with the golden files in DIR")
    parser.add_argument("--only", metavar="NAME", action="append", help="run only these cases")
    args = parser.parse_args()
    fwplan = str(Path(args.fwplan).resolve())
    folder = Path(args.write or args.compare)
    cases = [c for c in CASES if not args.only or c[0] in args.only]
    failures = 0
    if args.write:
        folder.mkdir(parents=True, exist_ok=True)
    for name, setup, argv in cases:
        got = answer(fwplan, name, setup, argv)
        path = folder / f"{name}.txt"
        if args.write:
            path.write_text(got)
            continue
        want = path.read_text() if path.exists() else ""
        if got != want:
            failures += 1
            sys.stdout.writelines(difflib.unified_diff(
                want.splitlines(True), got.splitlines(True), f"golden/{name}.txt", "now"))
    if args.compare:
        known = {f"{c[0]}.txt" for c in CASES}
        stray = sorted(p.name for p in folder.glob("*.txt") if p.name not in known)
        if stray and not args.only:
            failures += 1
            print(f"json_golden: golden files without a case: {', '.join(stray)}")
        print(f"json_golden: {len(cases) - failures} of {len(cases)} answers unchanged")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
