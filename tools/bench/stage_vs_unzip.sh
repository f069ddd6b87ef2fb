#!/usr/bin/env bash
# Benchmarks of the TFTP-root module (issue 6, item 4), measured side by side with the
# tools people use instead:
#   (a) fwplan stage of 10 realistic packages into an empty root  vs  unzip -oq of the same
#       zips into an empty folder (target: <= 1.0x);
#   (b) fwplan stage of the same packages again                   vs  (a)'s unzip (<= 0.1x);
#   (c) peak memory of (a), with 8 MB and with 32 MB packages      (< 64 MiB, flat);
#   (d) fwplan check of a root with 10,000 SEP configs and 40 firmware sets  vs  cat of the
#       files it must read (configs and .loads) (<= 2x).
# Runs alternate (A, B, A, B, ...) for several rounds; the medians are reported.
#
# Usage: tools/bench/stage_vs_unzip.sh [FWPLAN] [WORKDIR] [ROUNDS]
#   FWPLAN   the binary (default: build/ci/tools/fwplan/fwplan; build it with the ci preset)
#   WORKDIR  scratch folder on the file system to measure (default: /tmp/fwplan-bench)
#   ROUNDS   rounds per comparison (default: 7)
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
fwplan=$(realpath "${1:-$here/build/ci/tools/fwplan/fwplan}")
work=${2:-/tmp/fwplan-bench}
rounds=${3:-7}
fwgen="python3 $here/tools/fwgen.py"

[[ -x $fwplan ]] || { echo "no fwplan binary at $fwplan (cmake --preset ci && cmake --build --preset ci)" >&2; exit 2; }
mkdir -p "$work"

# The packages: 10 different families/protocols, ~8 MB and ~32 MB each.
for size in 8 32; do
    [[ -d $work/p$size ]] || $fwgen bench "$work/p$size" --count 10 --size-mb "$size" >/dev/null
done

# Families with a SIP and a SCCP package need a factory default: take the SIP load.
factory_defaults=()
for zip in "$work"/p8/cmterm-*-sip.*.zip; do
    load=$(unzip -Z1 "$zip" | grep -E '^SIP[0-9]+\..*\.loads$' | sed 's/\.loads$//')
    factory_defaults+=(--factory-default "$load")
done

# (d)'s root: 40 unpacked firmware sets, 10,000 SEP configs, an XMLDefault.
check_root=$work/check-root
if [[ ! -f $check_root/.complete ]]; then
    rm -rf "$check_root"
    mkdir -p "$check_root"
    loads=()
    n=0
    for family in 41 42 45 70 75 11 31 41 42 45; do
        for minor in 1 2 3 4; do
            case $family in 41) m=7941 ;; 42) m=7942 ;; 45) m=7945 ;; 70) m=7970 ;; 75) m=7975 ;; 11) m=7911 ;; 31) m=7931 ;; esac
            proto=$([[ $n -lt 20 ]] && echo SIP || echo SCCP)
            lproto=$(echo "$proto" | tr 'A-Z' 'a-z')
            load="$proto$family.9-$((n % 7 + 1))-$minor-1S"
            $fwgen package --family "$family" --load "$load" --protocol "$lproto" \
                --build "9-$((n % 7 + 1))-${minor}ES$n" --unpacked --out "$check_root" >/dev/null
            loads+=("$load")
            n=$((n + 1))
        done
    done
    python3 - "$check_root" "$here/testdata/templates/7941-sip-fritzbox.cnf.xml" "${loads[@]}" <<'EOF'
import re, sys
from pathlib import Path
root, template, loads = Path(sys.argv[1]), Path(sys.argv[2]).read_text(), sys.argv[3:]
for i in range(10000):
    load = loads[i % len(loads)]
    text = re.sub(r"<loadInformation>[^<]*</loadInformation>",
                  f"<loadInformation>{load}</loadInformation>", template)
    (root / f"SEP{0x001E4A000000 + i:012X}.cnf.xml").write_text(text)
(root / "XMLDefault.cnf.xml").write_text(
    "<Default><loadInformation115 model=\"Cisco 7941\">" + loads[0] + "</loadInformation115></Default>\n")
EOF
    touch "$check_root/.complete"
fi

python3 - "$fwplan" "$work" "$rounds" "${factory_defaults[@]}" <<'EOF'
import os, shutil, statistics, subprocess, sys, time
from pathlib import Path

fwplan, work, rounds = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
defaults = sys.argv[4:]

def zips(size):
    return sorted(str(p) for p in (work / f"p{size}").glob("*.zip"))

def fresh(path):
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)

def timed(cmd, shell=False):
    start = time.perf_counter()
    subprocess.run(cmd, shell=shell, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start

def unzip_all(size, dest):
    fresh(dest)
    return timed(" && ".join(f"unzip -oq '{z}' -d '{dest}'" for z in zips(size)), shell=True)

def stage(size, root, empty=True):
    if empty:
        fresh(root)
    return timed([fwplan, "stage", "--tftp-root", str(root), *defaults, *zips(size)])

def peak_kib(cmd):
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], check=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return int(out.stderr.strip().splitlines()[-1])

def median(xs):
    return statistics.median(xs)

total = sum(os.path.getsize(z) for z in zips(8))
print(f"fwplan: {fwplan}")
print(f"packages: {len(zips(8))} zips, {total / 1e6:.1f} MB; rounds: {rounds}; cores: {os.cpu_count()}")

# (a) and (b), alternating.
unzip_t, stage_t, restage_t = [], [], []
for _ in range(rounds):
    unzip_t.append(unzip_all(8, work / "unzip"))
    stage_t.append(stage(8, work / "root"))
    restage_t.append(stage(8, work / "root", empty=False))
u, s, r = median(unzip_t), median(stage_t), median(restage_t)
print(f"(a) unzip -oq x10 into an empty folder : {u * 1000:8.1f} ms (median)")
print(f"    fwplan stage into an empty root    : {s * 1000:8.1f} ms  -> {s / u:.2f}x unzip (target <= 1.0x)")
print(f"(b) fwplan stage again (nothing to do) : {r * 1000:8.1f} ms  -> {r / u:.3f}x unzip (target <= 0.1x)")

# (c) peak memory, 8 MB and 32 MB packages.
for size in (8, 32):
    fresh(work / "root")
    kib = peak_kib([fwplan, "stage", "--tftp-root", str(work / "root"), *defaults, *zips(size)])
    mb = sum(os.path.getsize(z) for z in zips(size)) / 1e6
    print(f"(c) peak RSS staging {len(zips(size))} x {size} MB ({mb:.0f} MB of zips): {kib / 1024:.1f} MiB (target < 64 MiB)")

# (d) the audit vs cat of what it reads.
root = work / "check-root"
must_read = [str(p) for p in root.iterdir()
             if p.name.startswith("SEP") or p.name.endswith(".loads") or p.name == "XMLDefault.cnf.xml"]
cat_cmd = "find '%s' -maxdepth 1 \\( -name 'SEP*' -o -name '*.loads' -o -name XMLDefault.cnf.xml \\) -print0 | xargs -0 cat > /dev/null" % root
subprocess.run(cat_cmd, shell=True, check=True)  # warm the cache for both
# GNU cat turned out slower than a plain open/read loop here, so a second, tighter
# baseline: one Python process listing the folder and reading each of those files.
read_cmd = [sys.executable, "-c", (
    "import os,sys\n"
    "os.chdir(sys.argv[1])\n"
    "for e in os.scandir('.'):\n"
    "    n = e.name\n"
    "    if n.startswith('SEP') or n.endswith('.loads') or n == 'XMLDefault.cnf.xml':\n"
    "        open(n, 'rb').read()\n"), str(root)]
cat_t, read_t, check_t = [], [], []
for _ in range(rounds):
    cat_t.append(timed(cat_cmd, shell=True))
    read_t.append(timed(read_cmd))
    start = time.perf_counter()
    subprocess.run([fwplan, "check", str(root)], stdout=subprocess.DEVNULL)  # exit 1: findings
    check_t.append(time.perf_counter() - start)
c, p, k = median(cat_t), median(read_t), median(check_t)
files = sum(1 for _ in root.iterdir())
size = sum(os.path.getsize(f) for f in must_read) / 1e6
print(f"(d) root of {files} files; {len(must_read)} to read ({size:.0f} MB)")
print(f"    find | xargs cat of those files    : {c * 1000:8.1f} ms (median)")
print(f"    python open/read loop over them    : {p * 1000:8.1f} ms (median)")
print(f"    fwplan check                       : {k * 1000:8.1f} ms  -> {k / c:.2f}x cat, "
      f"{k / p:.2f}x the read loop (target <= 2x)")
EOF
