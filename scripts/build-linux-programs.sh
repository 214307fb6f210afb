#!/usr/bin/env bash
# Builds the user-mode test programs (test/linux-programs/*.c) for test/linux-programs.test.ts:
#   build/linux-programs/arm/<name>          arm-linux-gnueabi-gcc -O2 -static -marm (every program)
#   build/linux-programs/arm-dynamic/<name>  arm-linux-gnueabi-gcc -O2 -marm (a few; run with
#                                            -L /usr/arm-linux-gnueabi)
#   build/linux-programs/native/<name>       gcc -O2 for the host (the portable ones: the first
#                                            reference; qemu-arm is the second)
#   build/linux-programs/i386/<name>         i686-linux-gnu-gcc -O2 -static: the portable programs
#                                            and the i386 guest's own (test/i386-programs/*.c),
#                                            for test/i386-programs.test.ts
#   build/linux-programs/i386-dynamic/<name> i686-linux-gnu-gcc -O2: a few, run with
#                                            -L /usr/i686-linux-gnu (libc6-i386-cross)
# and build/linux-programs/manifest.json. Rebuilds only what changed.
# Needs Debian's gcc-arm-linux-gnueabi, libc6-dev-armel-cross, gcc-i686-linux-gnu,
# libc6-dev-i386-cross and gcc (scripts/install-debian-packages.sh installs them).
# Usage: scripts/build-linux-programs.sh [name...]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/test/linux-programs"
OUT="$ROOT/build/linux-programs"
# shellcheck source=lib/linux-cc.sh
. "$ROOT/scripts/lib/linux-cc.sh"

# Programs that only make sense on ARM (no native build; qemu-arm is the reference).
ARM_ONLY=" smc armsig "
# Programs also built dynamically linked.
DYNAMIC=" hello args files signals time pipes exec "

I386_SRC="$ROOT/test/i386-programs"
# The i386 guest's own programs also built dynamically linked (run with -L /usr/i686-linux-gnu).
I386_DYNAMIC=" float x87ops "

CFLAGS=(-O2 -Wall -Wextra -Wno-unused-parameter -Wno-unused-result -Wno-stringop-overflow -Wno-stringop-truncation)
ONLY="$*"
mkdir -p "$OUT/arm" "$OUT/arm-dynamic" "$OUT/native" "$OUT/i386" "$OUT/i386-dynamic"

compile() { # cc out src flags...
	local cc="$1" out="$2" src="$3"
	shift 3
	local stale=0 s
	if [[ -f "$out" ]]; then
		for s in "$src" "$SRC/common.h" "${BASH_SOURCE[0]}"; do
			[[ "$s" -nt "$out" ]] && stale=1
		done
	else
		stale=1
	fi
	local rel="${out#"$OUT"/}"
	if [[ $stale == 0 ]]; then
		echo "  up-to-date  $rel"
		return
	fi
	# Libraries (-l...) go after the source, where the linker looks for what it needs.
	local flags=() libs=() a
	for a in "$@"; do if [[ $a == -l* ]]; then libs+=("$a"); else flags+=("$a"); fi; done
	if ! "$cc" "${CFLAGS[@]}" "${flags[@]}" -I"$SRC" -o "$out" "$src" "${libs[@]}" 2>"$out.log"; then
		cat "$out.log" >&2
		rm -f "$out.log"
		echo "error: building $rel failed" >&2
		exit 1
	fi
	if [[ -s "$out.log" ]]; then cat "$out.log" >&2; fi
	rm -f "$out.log"
	echo "  built       $rel"
}

entries=()
for src in "$SRC"/*.c; do
	name="$(basename "$src" .c)"
	native=true dynamic=false
	[[ "$ARM_ONLY" == *" $name "* ]] && native=false
	[[ "$DYNAMIC" == *" $name "* ]] && dynamic=true
	entries+=("{ \"name\": \"$name\", \"native\": $native, \"dynamic\": $dynamic }")
	if [[ -n "$ONLY" && " $ONLY " != *" $name "* ]]; then
		continue
	fi
	compile "$ARM_CC" "$OUT/arm/$name" "$src" -static -marm
	if [[ $dynamic == true ]]; then
		compile "$ARM_CC" "$OUT/arm-dynamic/$name" "$src" -marm
	fi
	if [[ $native == true ]]; then
		compile "$NATIVE_CC" "$OUT/native/$name" "$src"
		compile "$I386_CC" "$OUT/i386/$name" "$src" -static
		if [[ $dynamic == true ]]; then
			compile "$I386_CC" "$OUT/i386-dynamic/$name" "$src"
		fi
	fi
done
# The i386 guest's own programs (not in the manifest: test/i386-programs.test.ts lists them).
for src in "$I386_SRC"/*.c; do
	name="$(basename "$src" .c)"
	if [[ -n "$ONLY" && " $ONLY " != *" $name "* ]]; then
		continue
	fi
	compile "$I386_CC" "$OUT/i386/$name" "$src" -static -lm
	if [[ " $I386_DYNAMIC " == *" $name "* ]]; then
		compile "$I386_CC" "$OUT/i386-dynamic/$name" "$src" -lm
	fi
	# Those whose reference is the native x86-64 build (what the kernel does, where qemu-i386 differs).
	if [[ $name == fpsignal ]]; then
		compile "$NATIVE_CC" "$OUT/native/$name" "$src" -lm
	fi
	# The floating-point program also unoptimised: gcc -O0 keeps every value in memory between x87 instructions.
	if [[ $name == float ]]; then
		compile "$I386_CC" "$OUT/i386/$name-O0" "$src" -static -O0 -lm
	fi
done

{
	echo '{'
	echo '  "programs": ['
	n=${#entries[@]}
	for i in "${!entries[@]}"; do
		sep=","
		[[ $((i + 1)) == "$n" ]] && sep=""
		echo "    ${entries[$i]}$sep"
	done
	echo '  ]'
	echo '}'
} >"$OUT/manifest.json.tmp"
mv "$OUT/manifest.json.tmp" "$OUT/manifest.json"
