#!/usr/bin/env bash
# Fails when a C or C++ file differs from what clang-format makes of it with the committed
# .clang-format. Run by ctest (lint.clang-format); fix with: tools/check-format.sh --fix
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.cpp' '*.hpp' '*.h' '*.c' 2>/dev/null || true)
if [ ${#files[@]} -eq 0 ]; then
    mapfile -t files < <(find include lib tools tests -name '*.[ch]pp' -o -name '*.[ch]' | sort)
fi
if [ "${1:-}" = "--fix" ]; then
    clang-format -i "${files[@]}"
    exit 0
fi
clang-format --dry-run --Werror "${files[@]}"
