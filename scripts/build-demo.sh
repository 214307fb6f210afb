#!/usr/bin/env bash
# Builds the Versatile PB demo guest to demo/versatilepb/demo.elf (committed, so
# running the demo needs no cross compiler). Shares the test programs' start-up,
# linker script and semihosting runtime.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RT="$ROOT/test/arm-programs"
CC="${ARM_CC:-arm-none-eabi-gcc}"

if ! command -v "$CC" >/dev/null 2>&1; then
	echo "error: $CC not found; install it with: apt-get install -y gcc-arm-none-eabi" >&2
	exit 1
fi

CFLAGS=(-marm -march=armv5te -mfloat-abi=soft -O2 -nostdlib -ffreestanding -fno-builtin
	-fno-unwind-tables -fno-asynchronous-unwind-tables -fno-pic -Wall -Wextra)
# No -g and a fixed build path in the ELF would not matter, but the committed
# binary should not change with who built it: strip debug info.
"$CC" "${CFLAGS[@]}" -I"$RT" -T "$RT/link.ld" -Wl,--no-warn-rwx-segments -Wl,--build-id=none -s \
	-o "$ROOT/demo/versatilepb/demo.elf" \
	"$RT/crt0.S" "$RT/armutil.S" "$RT/semihost.c" "$ROOT/demo/versatilepb/src/demo.c" \
	"$("$CC" "${CFLAGS[@]}" -print-libgcc-file-name)"
echo "  built       demo/versatilepb/demo.elf"
