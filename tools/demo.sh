#!/usr/bin/env bash
# fwplan's main job on the shipped testdata: the story of the README's example phone.
# Usage: tools/demo.sh [path/to/fwplan]   (tools/bootstrap.sh demo builds and runs it)
set -euo pipefail
cd "$(dirname "$0")/.."
fwplan=${1:-build/ci/tools/fwplan/fwplan}

step() { printf '\n\033[1m$ fwplan %s\033[0m\n' "$*"; }

printf 'The example phone: a Cisco 7941G (MAC 00:80:41:ae:fd:7e) bought on eBay, still\n'
printf 'running an old SCCP load, that should register with a SIP PBX.\n'

step "catalog --model 7941"
"$fwplan" catalog --model 7941
