#!/usr/bin/env bash
# Runs an ARM bare-metal ELF under the reference (qemu-system-arm -M versatilepb)
# and prints the guest's stdout; exits with qemu's status (the semihosting exit
# code), 124 on timeout.
#
# qemu puts both the PL011 UART (-nographic) and semihosting SYS_WRITE on ":tt"
# on its stdout; SYS_WRITE0/SYS_WRITEC go to its stderr, as does its own noise
# about missing audio modules, which is filtered out here.
set -uo pipefail

if [[ $# -ne 1 ]]; then
	echo "usage: $0 <prog.elf>" >&2
	exit 2
fi
if ! command -v qemu-system-arm >/dev/null 2>&1; then
	echo "error: qemu-system-arm not found; install it with: apt-get install -y qemu-system-arm" >&2
	exit 2
fi

export QEMU_AUDIO_DRV=none
timeout "${QEMU_TIMEOUT:-10}" qemu-system-arm -M versatilepb -m 128M -nographic -semihosting \
	-kernel "$1" </dev/null 2> >(grep -v -E '^(qemu: module audio|ALSA lib|alsa:|audio:)' >&2)
status=$?
wait # let the stderr filter finish before we return
exit $status
