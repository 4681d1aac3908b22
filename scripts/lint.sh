#!/usr/bin/env bash
# Static checks, all errors: the build with clang as well as gcc
# (-Wall -Wextra -Werror), clang-tidy with the checked-in .clang-tidy, and
# cppcheck, and an aarch64 cross build of the library and the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for p in clang libomp-dev clang-tidy cppcheck gcc-aarch64-linux-gnu libc6-dev-arm64-cross; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "== clang build (-Werror)"
CC=clang cmake -S . -B build-clang -DCMAKE_BUILD_TYPE=Release -DWIREDUP_WERROR=ON \
  -DWIREDUP_MPI=ON -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
cmake --build build-clang -j"$(nproc)" >/dev/null
# The source lists are the build's (CMake writes them at configure time).
# shellcheck disable=SC1091
. build-clang/wiredup-sources.sh
read -r -a all <<<"$WU_LIB_SOURCES $WU_APP_SOURCES $WU_CLI_SOURCES $WU_MPI_SOURCES"
incs=(-Iinclude)
for d in $WU_INTERNAL_INCLUDE_DIRS; do incs+=(-I"$d"); done
echo "== clang-tidy"
# Its exit status is not enough (and under pipefail a pipeline into grep
# would hide the findings): any warning or error line fails the check.
tidy=$(clang-tidy -p build-clang --quiet "${all[@]}" 2>&1 || true)
if grep -E "^[^ ].*(warning|error):" <<<"$tidy"; then exit 1; fi
echo "== aarch64 build of the library and the CLI (portable paths, -Werror)"
# Debian's cross compiler; the arch-independent headers of xxhash, utf8proc,
# zlib and LMDB come from the host's /usr/include, after the cross ones.
for f in $WU_LIB_SOURCES $WU_APP_SOURCES $WU_CLI_SOURCES; do
  aarch64-linux-gnu-gcc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Werror -fopenmp \
    "${incs[@]}" -idirafter /usr/include -c "$f" -o /dev/null
done
echo "== cppcheck"
cppcheck --quiet --enable=warning,portability,performance --std=c11 --inline-suppr \
  --error-exitcode=1 "${incs[@]}" "${all[@]}"
echo "lint.sh: clean"
