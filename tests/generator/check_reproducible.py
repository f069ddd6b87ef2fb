#!/usr/bin/env python3
"""Regenerates testdata/ into a scratch folder and compares it byte for byte with the
committed tree (ctest: testdata.reproducible).

The committed fixtures are only trustworthy if the generator still makes them: a hand edit,
a stale file, or a generator change without a regeneration all fail here, with the list of
files that differ. Only what the generator writes is compared (its top-level folders and
README.md), so hand-made data elsewhere in testdata/ is left alone.

Usage: check_reproducible.py GENERATOR COMMITTED_DIR SCRATCH_DIR
"""

import hashlib
import shutil
import subprocess
import sys
import zlib
from pathlib import Path


def files_under(root: Path, tops: list[str]) -> dict[str, Path]:
    """Relative path -> file for every file under the given top-level entries of `root`."""
    found = {}
    for top in tops:
        entry = root / top
        if entry.is_file():
            candidates = [entry]
        else:
            candidates = sorted(entry.rglob("*")) if entry.is_dir() else []
        for path in candidates:
            if path.is_file():
                found[path.relative_to(root).as_posix()] = path
    return found


def short_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    generator, committed, scratch = Path(argv[1]), Path(argv[2]), Path(argv[3])
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    run = subprocess.run([sys.executable, str(generator), "testdata", str(scratch)],
                         capture_output=True, text=True)
    if run.returncode != 0:
        print(f"generator failed ({run.returncode}):\n{run.stdout}{run.stderr}")
        return 1
    tops = sorted(p.name for p in scratch.iterdir())
    fresh = files_under(scratch, tops)
    kept = files_under(committed, tops)
    missing = sorted(set(fresh) - set(kept))
    extra = sorted(set(kept) - set(fresh))
    differ = sorted(p for p in set(fresh) & set(kept)
                    if fresh[p].read_bytes() != kept[p].read_bytes())
    for path in missing:
        print(f"missing from testdata/: {path} (the generator writes it)")
    for path in extra:
        print(f"extra in testdata/: {path} (the generator does not write it)")
    for path in differ:
        print(f"differs: {path}: committed {kept[path].stat().st_size} bytes "
              f"sha256 {short_hash(kept[path])}, generated {fresh[path].stat().st_size} bytes "
              f"sha256 {short_hash(fresh[path])}")
    problems = len(missing) + len(extra) + len(differ)
    if problems:
        print(f"\n{problems} difference(s) in {committed} ({len(fresh)} files generated).")
        print("If the generator changed on purpose: python3 tools/fwgen.py testdata testdata")
        print("If only zip/gz files differ, check the zlib in use (here "
              f"{zlib.ZLIB_RUNTIME_VERSION}): another deflate implementation (zlib-ng) "
              "writes other compressed bytes.")
        return 1
    print(f"testdata reproducible: {len(fresh)} files identical under {', '.join(tops)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
