#!/usr/bin/env bash
# fwplan's two commands, on a Debian 12 machine:
#
#   tools/bootstrap.sh demo   install what is missing, build, and run fwplan on testdata
#   tools/bootstrap.sh test   install what is missing, build, run the whole suite, then
#                             build and run the unit tests and fuzzers under ASan + UBSan
#
# Only missing Debian packages are installed (apt-get update first, non-interactive);
# an existing build folder is reused. Nothing is downloaded from anywhere else.
set -euo pipefail

usage() {
    echo "usage: $0 demo|test" >&2
    exit 2
}
[ $# -eq 1 ] || usage
mode=$1
case "$mode" in demo | test) ;; *) usage ;; esac

cd "$(dirname "$0")/.."
root=$(pwd)

# What the build, the tests and the demo need; each one is a Debian 12 package.
packages=(
    cmake ninja-build g++ pkg-config python3 git
    libzip-dev libpugixml-dev libboost-graph-dev libfmt-dev libcli11-dev nlohmann-json3-dev
    libarchive-dev libssl-dev zlib1g-dev libsqlite3-dev libcurl4-openssl-dev
    doctest-dev libbenchmark-dev
    clang libclang-rt-14-dev clang-format
    tftpd-hpa rsyslog dnsmasq-base curl zip unzip zsh doxygen
)

say() { printf 'bootstrap: %s\n' "$*" >&2; }

install_missing() {
    local missing=()
    for package in "${packages[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$package")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing missing Debian packages: ${missing[*]}"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            say "error: not root and no sudo; install these packages first: ${missing[*]}"
            exit 4
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Configure a preset unless its build folder already exists, then build it.
build() {
    local preset=$1
    if [ ! -f "build/$preset/CMakeCache.txt" ]; then
        say "configuring preset '$preset'"
        cmake --preset "$preset" >/dev/null
    fi
    say "building preset '$preset'"
    cmake --build --preset "$preset"
}

install_missing
build ci

case "$mode" in
demo)
    exec tools/demo.sh "$root/build/ci/tools/fwplan/fwplan"
    ;;
test)
    say "running the test suite (preset ci)"
    ctest --preset ci -j "$(nproc)"
    build asan
    say "running unit tests and fuzzers under AddressSanitizer + UndefinedBehaviorSanitizer"
    ctest --preset asan -j "$(nproc)"
    say "all tests passed"
    ;;
esac
