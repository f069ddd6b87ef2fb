"""Fails unless a shared library exports exactly the functions a C header declares.

usage: check_exports.py NM LIBRARY HEADER

libfwplan_c.so links the whole C++ library; a missing version script or visibility flag
would export thousands of C++ symbols that an FFI user could bind to by accident, and that
would clash with another fwplan loaded into the same process.
"""
import re
import subprocess
import sys


def declared(header):
    text = open(header, encoding="utf-8").read()
    return set(re.findall(r"^FWPLAN_C_API\b[^;(]*?\b(fwplan_\w+)\s*\(", text, re.MULTILINE))


def exported(nm, library):
    out = subprocess.run([nm, "-D", "--defined-only", library], capture_output=True, text=True,
                         check=True).stdout
    symbols = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] in "TtWwDdBbRrVviu":
            symbols.add(parts[2].split("@")[0])
    return symbols


def main():
    nm, library, header = sys.argv[1:4]
    want = declared(header)
    have = exported(nm, library)
    if len(want) < 10:
        sys.exit(f"found only {sorted(want)} in {header}: the declaration pattern changed?")
    missing = sorted(want - have)
    extra = sorted(have - want)
    for name in missing:
        print(f"declared but not exported: {name}")
    for name in extra[:50]:
        print(f"exported but not declared: {name}")
    if len(extra) > 50:
        print(f"... and {len(extra) - 50} more")
    print(f"{len(have)} exported, {len(want)} declared")
    sys.exit(1 if missing or extra else 0)


if __name__ == "__main__":
    main()
