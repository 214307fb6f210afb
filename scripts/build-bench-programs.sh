#!/usr/bin/env bash
# Builds the benchmark programs (bench/programs/*.c) for `npm run bench`, from the same source:
#   build/bench/arm/<name>     arm-linux-gnueabi-gcc -O2 -static -marm (armel: soft-float)
#   build/bench/i386/<name>    i686-linux-gnu-gcc -O2 -static (for dynwasm-i386 and qemu-i386)
#   build/bench/native/<name>  gcc -O2 for the host
# -ffp-contract=off keeps the native build from fusing multiply-adds, so that the floating-point
# results are bit-identical. Rebuilds only what changed.
# Needs Debian's gcc-arm-linux-gnueabi, libc6-dev-armel-cross, gcc-i686-linux-gnu,
# libc6-dev-i386-cross and gcc
# (scripts/install-debian-packages.sh installs them).
# Usage: scripts/build-bench-programs.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/bench/programs"
OUT="$ROOT/build/bench"
# shellcheck source=lib/linux-cc.sh
. "$ROOT/scripts/lib/linux-cc.sh"

CFLAGS=(-O2 -Wall -Wextra -ffp-contract=off)
mkdir -p "$OUT/arm" "$OUT/i386" "$OUT/native"

built=0
for src in "$SRC"/*.c; do
	name="$(basename "$src" .c)"
	for target in arm i386 native; do
		out="$OUT/$target/$name"
		if [[ -f "$out" && "$out" -nt "$src" && "$out" -nt "$SRC/bench.h" && "$out" -nt "${BASH_SOURCE[0]}" ]]; then continue; fi
		if [[ $target == arm ]]; then
			"$ARM_CC" "${CFLAGS[@]}" -static -marm -o "$out" "$src"
		elif [[ $target == i386 ]]; then
			"$I386_CC" "${CFLAGS[@]}" -static -o "$out" "$src"
		else
			"$NATIVE_CC" "${CFLAGS[@]}" -o "$out" "$src"
		fi
		built=$((built + 1))
	done
done
echo "bench programs: $built built, in $OUT" >&2
