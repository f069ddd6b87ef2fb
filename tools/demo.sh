#!/usr/bin/env bash
# fwplan's main job on the shipped testdata: the story of the README's example phone.
# Usage: tools/demo.sh [path/to/fwplan]   (tools/bootstrap.sh demo builds and runs it)
set -euo pipefail
cd "$(dirname "$0")/.."
fwplan=${1:-build/ci/tools/fwplan/fwplan}
packages=testdata/packages

step() { printf '\n\033[1m$ fwplan %s\033[0m\n' "$*"; }

cat <<'TEXT'
The example phone: a Cisco 7941G (MAC 00:80:41:ae:fd:7e) bought on eBay, still running
SCCP 8.3(1), that should register with a SIP PBX. Its owner downloaded two zips into
testdata/packages (synthetic stand-ins for Cisco's files).
TEXT

step inspect "$packages/cmterm-7941_7961-sccp.8-5-2.zip" "$packages/cmterm-7941_7961-sip.9-4-2SR3-1.zip"
"$fwplan" inspect "$packages/cmterm-7941_7961-sccp.8-5-2.zip" "$packages/cmterm-7941_7961-sip.9-4-2SR3-1.zip"

step plan --model 7941 --from SCCP41.8-3-1S --to-protocol SIP --firmware "$packages"
"$fwplan" plan --model 7941 --from SCCP41.8-3-1S --to-protocol SIP --firmware "$packages"
