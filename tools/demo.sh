#!/usr/bin/env bash
# fwplan's main job on the shipped testdata: the story of the README's example phone,
# from the zips its owner downloaded to a checked TFTP root and the configs for every step.
# Usage: tools/demo.sh [path/to/fwplan]   (tools/bootstrap.sh demo builds and runs it)
# Everything it writes goes to a scratch folder that is removed at the end (set KEEP=1 to keep it).
set -euo pipefail
cd "$(dirname "$0")/.."
source_dir=$PWD
fwplan=$(realpath "${1:-build/ci/tools/fwplan/fwplan}")
packages=$(realpath testdata/packages)
work=$(mktemp -d "${TMPDIR:-/tmp}/fwplan-demo.XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tftp"
cd "$work"

step() { printf '\n\033[1m$ fwplan %s\033[0m\n' "$*"; }
say() { printf '\n%s\n' "$*"; }

cat <<TEXT
The example phone: a Cisco 7941G (MAC 00:80:41:ae:fd:7e) bought on eBay, still running
SCCP 8.3(1), that should register with a SIP PBX. Its owner downloaded two zips
(synthetic stand-ins for Cisco's files, from fwplan's testdata). Scratch folder: $work
TEXT

say "1. What did I download?"
step inspect cmterm-7941_7961-sccp.8-5-2.zip cmterm-7941_7961-sip.9-4-2SR3-1.zip
"$fwplan" inspect "$packages/cmterm-7941_7961-sccp.8-5-2.zip" "$packages/cmterm-7941_7961-sip.9-4-2SR3-1.zip"

say "2. Which loads, in which order, and why?"
step plan --model 7941 --from SCCP41.8-3-1S --firmware testdata/packages
"$fwplan" plan --model 7941 --from SCCP41.8-3-1S --firmware "$packages"

say "3. Put them on the TFTP server. Both zips bring term41/term61.default.loads; fwplan
refuses to choose silently which load a factory-reset phone gets:"
step stage --tftp-root tftp cmterm-7941_7961-sccp.8-5-2.zip cmterm-7941_7961-sip.9-4-2SR3-1.zip
"$fwplan" stage --tftp-root tftp "$packages/cmterm-7941_7961-sccp.8-5-2.zip" \
    "$packages/cmterm-7941_7961-sip.9-4-2SR3-1.zip" || say "(exit $? — nothing was written; name the factory default:)"
step stage --tftp-root tftp --factory-default SIP41.9-4-2SR3-1S cmterm-7941_7961-sccp.8-5-2.zip cmterm-7941_7961-sip.9-4-2SR3-1.zip
"$fwplan" stage --tftp-root tftp --factory-default SIP41.9-4-2SR3-1S \
    "$packages/cmterm-7941_7961-sccp.8-5-2.zip" "$packages/cmterm-7941_7961-sip.9-4-2SR3-1.zip"

say "4. The configuration for every step (a FritzBox at 192.168.178.1, line 620):"
printf '%s\n' 'K7w2p9Qz' > line620.pw
step emit --mac 00:80:41:ae:fd:7e --model 7941 --from SCCP41.8-3-1S --firmware testdata/packages \
    --sip-server 192.168.178.1 --line-name 620 --auth-name 620 --password-file line620.pw --out configs
"$fwplan" emit --mac 00:80:41:ae:fd:7e --model 7941 --from SCCP41.8-3-1S --firmware "$packages" \
    --sip-server 192.168.178.1 --line-name 620 --auth-name 620 --password-file line620.pw --out configs
cp configs/step-1-*/SEP008041AEFD7E.cnf.xml tftp/

say "5. Step 1's config is in place. What would break a phone?"
step check tftp
"$fwplan" check tftp

say "6. The walk itself: fwplan rollout puts each step's config in place, follows what the
phones ask the TFTP server for in its log, and resets them when a step is done."
if [ "$(id -u)" = 0 ] && command -v in.tftpd >/dev/null && command -v rsyslogd >/dev/null; then
    python3 "$source_dir/tests/e2e/demo_rollout.py" "$fwplan" "$packages" "$work/walk"
else
    say "(skipped: it runs tftpd-hpa and rsyslogd on 127.0.0.1 and simulated phones on 127.0.0.N,
which needs root and the Debian packages tftpd-hpa and rsyslog; tools/bootstrap.sh demo as root
has both.)"
fi

say "On a real network: docs/guide.md tells the whole story, docs/rollout.md the walk's."
