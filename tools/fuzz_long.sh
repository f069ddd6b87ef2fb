#!/usr/bin/env bash
# Runs every fuzz target of tests/fuzz for longer than the 10 s smoke run of CI, two at a
# time, by hand:
#
#     tools/fuzz_long.sh [SECONDS-EACH] [BUILD-DIR]      (defaults: 240, build/asan)
#
# The targets come from a configured and built `asan` preset (cmake --preset asan &&
# cmake --build build/asan). Each starts from its committed seed corpus; new inputs go to a
# scratch folder and crashes to crash-* files there, so the committed corpus is never changed.
# Prints one line per target (exit code and executions) and the folder of any finding; exits 1
# and keeps the scratch folder when a target found something, else removes it.
set -euo pipefail

seconds=${1:-240}
build=${2:-build/asan}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
fuzz_dir="$build/tests/fuzz"
if [[ ! -d $fuzz_dir ]]; then
    echo "fuzz_long.sh: $fuzz_dir does not exist; build the asan preset first" >&2
    exit 2
fi
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds == 0 || seconds > 86400)); then
    echo "fuzz_long.sh: SECONDS-EACH must be a whole number from 1 to 86400" >&2
    exit 2
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/fwplan-fuzz-long.XXXXXX")
echo "scratch: $work"

run_one() {
    local target=$1 name=${1#fuzz_}
    mkdir -p "$work/$name/new" "$work/$name/crashes"
    local rc=0
    # -timeout and -rss_limit_mb as in CI; the whole run is bounded by -max_total_time.
    "$fuzz_dir/$target" "$work/$name/new" "$source_dir/tests/fuzz/corpus/$name" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/$name/crashes/" >"$work/$name/log" 2>&1 || rc=$?
    local runs
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name/log")
    echo "$name: exit $rc, ${runs:-?} executions"
    if ((rc != 0)); then
        echo "  finding: $work/$name/crashes/ (log: $work/$name/log)"
    fi
}
export -f run_one
export work fuzz_dir source_dir seconds

targets=()
for path in "$fuzz_dir"/fuzz_*; do
    [[ -x $path && -f $path ]] && targets+=("$(basename "$path")")
done
if ((${#targets[@]} == 0)); then
    echo "fuzz_long.sh: no fuzz_* programs in $fuzz_dir" >&2
    exit 2
fi
# shellcheck disable=SC2016 # $1 is expanded by the inner bash, from xargs' argument
printf '%s\n' "${targets[@]}" | xargs -P 2 -I{} bash -c 'run_one "$1"' _ {} | tee "$work/summary"
if grep -q "finding:" "$work/summary"; then
    exit 1
fi
rm -rf "$work" # nothing found: the scratch inputs are not worth keeping
