# Sourced by the scripts that build armel and i386 Linux programs and their native twins: the
# three compilers (override with ARM_LINUX_CC / I386_LINUX_CC / NATIVE_CC) and a check that all
# are installed.
ARM_CC="${ARM_LINUX_CC:-arm-linux-gnueabi-gcc}"
I386_CC="${I386_LINUX_CC:-i686-linux-gnu-gcc}"
NATIVE_CC="${NATIVE_CC:-gcc}"

for cc in "$ARM_CC" "$I386_CC" "$NATIVE_CC"; do
	if ! command -v "$cc" >/dev/null 2>&1; then
		echo "error: $cc not found; run scripts/install-debian-packages.sh (as root) to install it" >&2
		exit 1
	fi
done
