#!/usr/bin/env bash
# Re-renders the version-graph pictures in docs/images with Debian's graphviz (doc time only:
# the build and the tests do not need graphviz). Usage: tools/render-graphs.sh [path/to/fwplan]
set -euo pipefail
cd "$(dirname "$0")/.."
fwplan=${1:-build/ci/tools/fwplan/fwplan}
command -v dot >/dev/null || { echo "render-graphs: install graphviz first" >&2; exit 4; }
"$fwplan" graph --model 7960 --all | dot -Tsvg -o docs/images/graph-7940_7960.svg
echo "docs/images/graph-7940_7960.svg"
