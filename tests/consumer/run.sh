#!/usr/bin/env bash
# Installs the library into a temporary prefix and builds and runs
# tests/consumer/consumer.c against it twice: with pkg-config (cc + the flags
# wiredup.pc gives) and with CMake (find_package(wiredup CONFIG)).
#   tests/consumer/run.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
libdir=$(find "$work/prefix" -name wiredup.pc -printf '%h\n' | head -n1)
[ -n "$libdir" ] || { echo "consumer: wiredup.pc not installed" >&2; exit 1; }
echo "== the shared library: soname, exports"
so=$(find "$work/prefix" -name 'libwiredup.so.*.*' | head -n1)
soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
case $soname in libwiredup.so.[0-9]*) echo "soname $soname" ;;
  *) echo "consumer: $so has soname '$soname'" >&2; exit 1 ;; esac
# Only wiredup.h's WU_API declarations: no wu__ internal, nothing unprefixed.
leaked=$(nm -D --defined-only "$so" | awk '{print $3}' | grep -v '^wu_[a-z0-9]' || true)
if [ -n "$leaked" ]; then echo "consumer: exported besides the API: $leaked" >&2; exit 1; fi
echo "$(nm -D --defined-only "$so" | wc -l) symbols, all wu_"
echo "== consumer (pkg-config)"
read -r -a flags <<<"$(PKG_CONFIG_PATH="$libdir" pkg-config --cflags --libs wiredup)"
cc -std=c11 -Wall -Wextra -Werror "$here/consumer.c" "${flags[@]}" -o "$work/consumer-pc"
LD_LIBRARY_PATH="$libdir/.." "$work/consumer-pc"
echo "== consumer (CMake find_package)"
cmake -S "$here/cmake" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/cmake" >/dev/null
"$work/cmake/consumer"
