#!/usr/bin/env bash
# Installs what is missing, builds Release and an ASan+UBSan Debug build,
# and runs every test (unit and end-to-end) on both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
for kind in release asan; do
  dir=$(scripts/build.sh "$kind")
  echo "== ctest ($kind, $dir)"
  (cd "$dir" && ctest --output-on-failure -j"$(nproc)")
done
echo "test.sh: all tests passed"
