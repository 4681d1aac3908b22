#!/usr/bin/env bash
# Installs the Debian packages wiredup needs to build and test (as root).
# Only what is missing is installed, so a second run costs nothing.
set -euo pipefail
pkgs=(build-essential cmake pkg-config libxxhash-dev libutf8proc-dev zlib1g-dev liblmdb-dev
      libcmocka-dev liblzma-dev libbz2-dev libzstd-dev python3 time libopenmpi-dev openmpi-bin)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
