#!/usr/bin/env bash
# Builds the bare-metal ARMv5TE test programs (test/arm-programs/*.c, *.S) into
# test/arm-programs/build/<name>[-arm|-thumb].elf and writes build/manifest.json.
# Needs Debian's gcc-arm-none-eabi; rebuilds only what changed.
# Usage: scripts/build-arm-programs.sh [name...]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/test/arm-programs"
OUT="$SRC/build"
CC="${ARM_CC:-arm-none-eabi-gcc}"

if ! command -v "$CC" >/dev/null 2>&1; then
	echo "error: $CC not found; install it with: apt-get install -y gcc-arm-none-eabi" >&2
	exit 1
fi

# name : variants (arm, thumb, both) : sources (the shared runtime is added)
PROGRAMS=(
	"hello:both:hello.c"
	"dp:arm:dp.c dp_asm.S"
	"cond:arm:cond.c"
	"mul:arm:mul.c"
	"ldst:arm:ldst.c"
	"branch:arm:branch.c branch_asm.S"
	"psr:arm:psr.c psr_asm.S"
	"exceptions:arm:exceptions.c exceptions_asm.S"
	"thumb1:arm:thumb1.c thumb1_asm.S"
	"smc:both:smc.c"
	"manyfuncs:both:manyfuncs.c"
	"pagecross:arm:pagecross.c pagecross_asm.S"
	"recursion:both:recursion.c"
	"sort:both:sort.c"
	"crc32:both:crc32.c"
	"sieve:both:sieve.c"
	"compute:arm:compute.c"
	"wfi:arm:wfi.c irq_asm.S"
	"cp15:arm:cp15.c"
	"mmu:arm:mmu.c mmu_asm.S"
	"int64:both:int64.c"
	"uart:both:uart.c"
	"irq:both:irq.c irq_asm.S"
	"fiq:arm:fiq.c fiq_asm.S"
	"softint:arm:softint.c softint_asm.S"
	"bootinfo:arm:bootinfo.c bootinfo_boot.S"
)
# Also made raw images (build/<name>.bin, objcopy -O binary): entered through qemu's boot stub
# at 0x10000 like a zImage, with -initrd and -dtb (test/versatilepb-boot.test.ts).
RAW=(bootinfo)
COMMON="crt0.S armutil.S semihost.c"
CFLAGS=(-march=armv5te -mfloat-abi=soft -O2 -nostdlib -ffreestanding -fno-builtin
	-fno-unwind-tables -fno-asynchronous-unwind-tables -fno-pic -Wall -Wextra
	-Wno-unused-parameter -g)

# Optional arguments: only (re)build these programs; the manifest always lists all.
ONLY="$*"
mkdir -p "$OUT"
manifest=()

build() { # name variant isaflags sources...
	local name="$1" isa="$2" flags="$3"
	shift 3
	local elf="$OUT/$name.elf" inputs=() s
	for s in $COMMON "$@"; do inputs+=("$SRC/$s"); done
	manifest+=("$name")
	if [[ -n "$ONLY" && " $ONLY " != *" ${name%-arm} "* && " $ONLY " != *" ${name%-thumb} "* && " $ONLY " != *" $name "* ]]; then
		return
	fi
	# Up to date if the ELF is newer than every input, the header, linker script and this script.
	local stale=0
	if [[ -f "$elf" ]]; then
		for s in "${inputs[@]}" "$SRC/semihost.h" "$SRC/link.ld" "${BASH_SOURCE[0]}"; do
			[[ "$s" -nt "$elf" ]] && stale=1
		done
	else
		stale=1
	fi
	if [[ $stale == 0 ]]; then
		echo "  up-to-date  $name.elf"
		return
	fi
	# libgcc must come from the multilib matching the instruction set.
	local libgcc
	# shellcheck disable=SC2086
	libgcc="$("$CC" "${CFLAGS[@]}" $flags -print-libgcc-file-name)"
	# shellcheck disable=SC2086
	if ! "$CC" "${CFLAGS[@]}" $flags -I"$SRC" -T "$SRC/link.ld" -Wl,--no-warn-rwx-segments \
		-o "$elf" "${inputs[@]}" "$libgcc" 2>"$OUT/$name.log"; then
		cat "$OUT/$name.log" >&2
		echo "error: building $name.elf failed" >&2
		exit 1
	fi
	if [[ -s "$OUT/$name.log" ]]; then cat "$OUT/$name.log" >&2; fi
	rm -f "$OUT/$name.log"
	echo "  built       $name.elf"
}

for p in "${PROGRAMS[@]}"; do
	IFS=: read -r name variants sources <<<"$p"
	# shellcheck disable=SC2086
	case "$variants" in
	arm) build "$name" arm "-marm" $sources ;;
	thumb) build "$name-thumb" thumb "-mthumb -mthumb-interwork" $sources ;;
	both)
		build "$name-arm" arm "-marm" $sources
		build "$name-thumb" thumb "-mthumb -mthumb-interwork" $sources
		;;
	esac
done

OBJCOPY="${CC%gcc}objcopy"
for name in "${RAW[@]}"; do
	if [[ ! -f "$OUT/$name.bin" || "$OUT/$name.elf" -nt "$OUT/$name.bin" ]]; then
		"$OBJCOPY" -O binary "$OUT/$name.elf" "$OUT/$name.bin"
		echo "  built       $name.bin"
	fi
done

{
	echo '{'
	echo '  "programs": ['
	n=${#manifest[@]}
	for i in "${!manifest[@]}"; do
		sep=","
		[[ $((i + 1)) == "$n" ]] && sep=""
		echo "    \"${manifest[$i]}.elf\"$sep"
	done
	echo '  ]'
	echo '}'
} >"$OUT/manifest.json.tmp"
mv "$OUT/manifest.json.tmp" "$OUT/manifest.json"
