#!/usr/bin/env bash
# Installs the Debian packages the tests need, when missing: the bare-metal cross compiler that
# builds the test programs, and qemu-system-arm, the reference they are compared with; for user
# mode, the armel Linux cross compiler with its C library (libc6-dev-armel-cross brings
# libc6-armel-cross, the -L root /usr/arm-linux-gnueabi), qemu-user (qemu-arm, the reference)
# and the native gcc (the first reference for portable programs); device-tree-compiler (dtc)
# for the device tree tests and test/linux-image.test.ts; gdb-multiarch, the client of the gdb
# stub tests (test/gdb.test.ts); the i386 Linux cross compiler with its C library (the i386
# guest's test programs; its binutils assemble and disassemble the decoder tests); e2fsprogs'
# debugfs, with which test/linux-image.test.ts puts programs into copies of the SD image and
# reads the guest's files back; chromium, the browser test/web.test.ts drives headless through
# playwright-core (/usr/bin/chromium). A machine
# that already has them is left alone; without root, say what to install and fail.
set -euo pipefail

PACKAGES=(gcc-arm-none-eabi binutils-arm-none-eabi qemu-system-arm gdb-multiarch
	gcc-arm-linux-gnueabi libc6-dev-armel-cross qemu-user gcc libc6-dev device-tree-compiler
	gcc-i686-linux-gnu libc6-dev-i386-cross e2fsprogs chromium)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "error: the tests need these Debian packages: ${missing[*]}" >&2
  echo "       install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "installing Debian packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
