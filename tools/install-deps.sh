#!/usr/bin/env bash
# Installs the Debian 12 packages rackscale needs, only those missing.
# Uses sudo when not root. Safe to run repeatedly (a no-op when all are present).
# --sanitize: also clang and its sanitizer/libFuzzer runtimes (make test-sanitize).
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build pkg-config ccache
  libsimgrid-dev          # discrete-event engine and flow-level network
  libboost-graph-dev      # topology analysis
  libeigen3-dev           # least-squares fits
  libfmt-dev              # formatting
  libyaml-cpp-dev         # scenario and catalog files
  doctest-dev             # unit tests
  libcli11-dev            # command line
  zlib1g-dev              # reading .gz traces directly
)
if [ "${1:-}" = "--sanitize" ]; then
  PKGS+=(
    clang                 # clang 14 on Debian 12: ASan, UBSan, libFuzzer
    libclang-rt-14-dev    # the sanitizer and libFuzzer runtimes
  )
fi

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to apt-get install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
