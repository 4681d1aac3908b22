#!/usr/bin/env bash
# Installs what is missing, builds Release and an ASan+UBSan Debug build and
# runs every test (unit and end-to-end) on both; installs the Release build
# into a temporary prefix and builds and runs two consumer programs against
# it (tests/consumer/); then the static checks and a fuzzing smoke run
# (regression inputs + 30 s a target; FUZZ_SECONDS to change, 0 to replay
# the regressions only).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
for kind in release asan; do
  dir=$(scripts/build.sh "$kind")
  echo "== ctest ($kind, $dir)"
  (cd "$dir" && ctest --output-on-failure -j"$(nproc)")
done
echo "== the installed library: consumer programs (pkg-config, CMake find_package)"
tests/consumer/run.sh build
echo "== MPI: wiredup-mpi output byte-identical to wiredup on 1, 2, 4 ranks"
dir=$(scripts/build.sh mpi)
(cd "$dir" && ctest --output-on-failure -R e2e_mpi)
echo "== static checks"
scripts/lint.sh
echo "== fuzzing smoke"
scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
echo "test.sh: all tests passed"
