#!/usr/bin/env bash
# Rebuilds the guest Linux images in demo/linux/ byte for byte: Debian's linux-source-6.1 built
# for ARCH=arm with versatile_defconfig plus demo/linux/dynwasm.config (zImage and
# versatile-pb.dtb), and a busybox initramfs (rootfs.cpio.gz) with Debian's armel busybox-static.
# See demo/linux/README.md for what the images are and how to boot them.
#
#   scripts/build-linux-image.sh [--out DIR]     (default DIR: demo/linux)
#
# Environment: LINUX_SOURCE_VERSION (default: the pinned Debian version below; another version
# builds different bytes), JOBS (make -j, default 2).
#
# Work files go under build/: build/linux-download/ (the .deb, kept between runs),
# build/linux/ (the unpacked tree, built in place, and the initramfs staging; made afresh on
# every run). The host's apt configuration is not changed: the kernel source package is
# architecture "all", so `apt-get download` with the host's own package lists fetches it (run
# apt-get update first if it says the version is unknown).
#
# Reproducibility: the kernel's build stamps (KBUILD_BUILD_TIMESTAMP/USER/HOST/VERSION) are
# fixed, SOURCE_DATE_EPOCH is the linux-source tarball's date in the .deb, the tree is built in
# place so that no absolute path reaches the image (srctree is "."), and the cpio is written by
# the kernel's own usr/gen_init_cpio from a sorted list with fixed modes, uid/gid 0 and a fixed
# mtime, then `gzip -n -9`. The same inputs (source package, cross compiler, busybox package)
# give the same bytes; demo/linux/README.md lists the versions used.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LINUX_SOURCE_VERSION="${LINUX_SOURCE_VERSION:-6.1.192-3}"
JOBS="${JOBS:-2}"
OUT="$ROOT/demo/linux"
while [[ $# -gt 0 ]]; do
	case "$1" in
	--out)
		OUT="$(mkdir -p "$2" && cd "$2" && pwd)"
		shift 2
		;;
	-h | --help)
		sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "usage: $0 [--out DIR]" >&2
		exit 2
		;;
	esac
done

DL="$ROOT/build/linux-download"
WORK="$ROOT/build/linux"
SRC="$WORK/linux-source-6.1"
STAGE="$WORK/initramfs"
FRAGMENT="$ROOT/demo/linux/dynwasm.config"
INITRAMFS_SRC="$ROOT/demo/linux/initramfs"
CROSS_COMPILE=arm-linux-gnueabi-
MAKE=(make -C "$SRC" ARCH=arm CROSS_COMPILE="$CROSS_COMPILE")

say() { echo "linux-image: $*" >&2; }
die() {
	echo "linux-image: error: $*" >&2
	exit 1
}
STARTED=$SECONDS
elapsed() { echo "$((SECONDS - STARTED)) s"; }

for tool in apt-get dpkg-deb xz make gcc "${CROSS_COMPILE}gcc" bc bison flex gzip sha256sum qemu-arm; do
	command -v "$tool" >/dev/null 2>&1 ||
		die "needs $tool (Debian packages: gcc-arm-linux-gnueabi bc bison flex libssl-dev xz-utils qemu-user make gcc)"
done

# Everything that could leak the build machine, the time or the locale into the outputs.
export LC_ALL=C TZ=UTC
umask 022
unset KBUILD_OUTPUT KCONFIG_CONFIG LOCALVERSION ARCH CROSS_COMPILE_COMPAT 2>/dev/null || true

# --- 1. download ------------------------------------------------------------------------------
DEB="$DL/linux-source-6.1_${LINUX_SOURCE_VERSION}_all.deb"
mkdir -p "$DL"
if [[ -f "$DEB" ]]; then
	say "download: using $DEB"
else
	say "download: apt-get download linux-source-6.1=$LINUX_SOURCE_VERSION (about 140 MB) into $DL"
	# apt drops to its _apt user to download; it must be able to write there.
	if [[ "$(id -u)" -eq 0 ]] && id _apt >/dev/null 2>&1; then chown _apt "$DL" 2>/dev/null || true; fi
	if ! (cd "$DL" && apt-get -q download "linux-source-6.1=$LINUX_SOURCE_VERSION") >"$DL/download.log" 2>&1; then
		cat "$DL/download.log" >&2
		die "could not download linux-source-6.1=$LINUX_SOURCE_VERSION. Run apt-get update; if Debian has
  moved on to a newer version, either fetch this one from https://snapshot.debian.org/ into
  $DL/ (then it is used as is), or build the newer one with LINUX_SOURCE_VERSION=<version>
  (different bytes: update demo/linux/README.md)"
	fi
	[[ -f "$DEB" ]] || die "apt-get download did not produce $DEB"
fi

# --- 2. unpack --------------------------------------------------------------------------------
say "unpack: linux-source-6.1.tar.xz into $SRC (afresh)"
rm -rf "$WORK"
mkdir -p "$WORK"
dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$WORK" ./usr/src/linux-source-6.1.tar.xz
TARBALL="$WORK/usr/src/linux-source-6.1.tar.xz"
# The build date of the image is the Debian package's (the date of its source tarball).
SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(stat -c %Y "$TARBALL")}"
tar -xJf "$TARBALL" -C "$WORK"
rm -rf "$WORK/usr"
[[ -f "$SRC/Makefile" ]] || die "the tarball has no linux-source-6.1/Makefile"
say "unpack: done, Linux $("${MAKE[@]}" -s kernelversion) ($(elapsed))"

export SOURCE_DATE_EPOCH
export KBUILD_BUILD_TIMESTAMP="$(date -u -d "@$SOURCE_DATE_EPOCH" '+%a %b %e %H:%M:%S UTC %Y')"
export KBUILD_BUILD_USER=dynwasm KBUILD_BUILD_HOST=dynwasm KBUILD_BUILD_VERSION=1

# --- 3. configure -----------------------------------------------------------------------------
say "configure: versatile_defconfig + $(basename "$FRAGMENT")"
cp "$FRAGMENT" "$SRC/arch/arm/configs/dynwasm.config"
"${MAKE[@]}" -s versatile_defconfig
(cd "$SRC" && ARCH=arm CROSS_COMPILE="$CROSS_COMPILE" \
	scripts/kconfig/merge_config.sh -m -O . .config arch/arm/configs/dynwasm.config) >"$WORK/config.log" 2>&1 ||
	{
		cat "$WORK/config.log" >&2
		die "merge_config.sh failed"
	}
"${MAKE[@]}" -s olddefconfig
missing=0
while IFS= read -r line; do
	if ! grep -qxF -- "$line" "$SRC/.config"; then
		echo "linux-image: error: $line did not make it into .config" >&2
		missing=1
	fi
done < <(grep -E '^CONFIG_[A-Za-z0-9_]+=' "$FRAGMENT")
[[ $missing -eq 0 ]] || die "the fragment's options are not all in the final .config (a dependency missing?)"
say "configure: done ($(elapsed))"

# --- 4. build ---------------------------------------------------------------------------------
# make's output goes to build/linux/build.log; a progress line every 100 lines of it.
say "build: make -j$JOBS zImage versatile-pb.dtb (log: $WORK/build.log)"
"${MAKE[@]}" -j"$JOBS" zImage versatile-pb.dtb 2>&1 | tee "$WORK/build.log" | {
	n=0
	while IFS= read -r line; do
		n=$((n + 1))
		if ((n % 100 == 0)); then echo "linux-image: build: $n lines, $((SECONDS - STARTED)) s: $line" >&2; fi
	done
	echo "linux-image: build: $n lines of make output" >&2
} || {
	tail -n 40 "$WORK/build.log" >&2
	die "the kernel build failed (log: $WORK/build.log)"
}
grep -E '^(WARNING|.*: warning:)' "$WORK/build.log" >&2 || true
ZIMAGE="$SRC/arch/arm/boot/zImage"
DTB="$SRC/arch/arm/boot/dts/versatile-pb.dtb"
[[ -f "$ZIMAGE" && -f "$DTB" ]] || die "make did not produce $ZIMAGE and $DTB"
say "build: done, zImage $(stat -c %s "$ZIMAGE") bytes ($(elapsed))"

# --- 5. initramfs -----------------------------------------------------------------------------
BUSYBOX_DIR="$ROOT/build/busybox"
bash "$ROOT/scripts/fetch-busybox.sh" >&2
BUSYBOX="$BUSYBOX_DIR/bin/busybox"
BUSYBOX_DEB="$(ls "$BUSYBOX_DIR"/busybox-static_*_armel.deb | head -n 1)"
say "initramfs: $(basename "$BUSYBOX_DEB")"
GEN_INIT_CPIO="$SRC/usr/gen_init_cpio"
[[ -x "$GEN_INIT_CPIO" ]] || "${MAKE[@]}" -s usr/gen_init_cpio
mkdir -p "$STAGE"
cp "$BUSYBOX" "$STAGE/busybox"
cp "$INITRAMFS_SRC/init" "$STAGE/init"
cp "$INITRAMFS_SRC/selftest" "$STAGE/selftest"
# gen_init_cpio takes a file's mtime from the file, everything else's from -t.
touch -d "@$SOURCE_DATE_EPOCH" "$STAGE/busybox" "$STAGE/init" "$STAGE/selftest"
# The applets, with the directory busybox installs each in (bin/ls, usr/sbin/chroot, ...): asked
# of the armel busybox itself under qemu-arm.
qemu-arm "$BUSYBOX" --list-full | LC_ALL=C sort -u >"$STAGE/applets"
[[ -s "$STAGE/applets" ]] || die "busybox --list-full (under qemu-arm) listed nothing"
grep -qx 'bin/sh' "$STAGE/applets" || die "busybox has no bin/sh applet"
{
	echo "# gen_init_cpio list of dynwasm's busybox initramfs, made by scripts/build-linux-image.sh"
	for d in bin dev etc proc root sbin sys tmp usr usr/bin usr/sbin; do
		echo "dir /$d 0755 0 0"
	done
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "file /bin/busybox $STAGE/busybox 0755 0 0"
	echo "file /init $STAGE/init 0755 0 0"
	echo "file /etc/selftest $STAGE/selftest 0644 0 0"
	while IFS= read -r applet; do
		[[ "$applet" == bin/busybox ]] && continue
		echo "slink /$applet /bin/busybox 0777 0 0"
	done <"$STAGE/applets"
} | LC_ALL=C sort -s -k2,2 >"$STAGE/cpio_list"
"$GEN_INIT_CPIO" -t "$SOURCE_DATE_EPOCH" "$STAGE/cpio_list" >"$STAGE/rootfs.cpio"
gzip -n -9 -c "$STAGE/rootfs.cpio" >"$STAGE/rootfs.cpio.gz"
say "initramfs: $(grep -c '^slink' "$STAGE/cpio_list") applet links, $(stat -c %s "$STAGE/rootfs.cpio.gz") bytes gzip'd ($(elapsed))"

# --- 6. outputs -------------------------------------------------------------------------------
mkdir -p "$OUT"
cp "$ZIMAGE" "$OUT/zImage"
cp "$DTB" "$OUT/versatile-pb.dtb"
cp "$STAGE/rootfs.cpio.gz" "$OUT/rootfs.cpio.gz"
say "done in $(elapsed): $OUT"
(cd "$OUT" && sha256sum zImage versatile-pb.dtb rootfs.cpio.gz)
