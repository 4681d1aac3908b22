#!/usr/bin/env bash
# Builds wiredup. Usage: scripts/build.sh [release|asan|mpi]  (default release)
#   release -> build/        (Release, -Werror)
#   asan    -> build-asan/   (Debug, AddressSanitizer + UndefinedBehaviorSanitizer)
#   mpi     -> build-mpi/    (Release, with wiredup-mpi; needs Open MPI)
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
case "$kind" in
  release) dir=build; flags=(-DCMAKE_BUILD_TYPE=Release) ;;
  asan)    dir=build-asan; flags=(-DCMAKE_BUILD_TYPE=Debug -DWIREDUP_SANITIZE=ON) ;;
  mpi)     dir=build-mpi; flags=(-DCMAKE_BUILD_TYPE=Release -DWIREDUP_MPI=ON) ;;
  *) echo "usage: scripts/build.sh [release|asan|mpi]" >&2; exit 2 ;;
esac
cmake -S . -B "$dir" -DWIREDUP_WERROR=ON "${flags[@]}" >/dev/null
cmake --build "$dir" -j"$(nproc)" >/dev/null
echo "$dir"
