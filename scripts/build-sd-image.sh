#!/usr/bin/env bash
# Builds demo/linux/sd.img byte for byte: an 8 MiB ext2 file system for `-sd` (the PL181 MMC
# card of -M versatilepb) with the same busybox userland as the initramfs demo/linux/rootfs.cpio.gz,
# taken from that committed archive, and /sbin/init -> /init so that the kernel, booting with
# root=/dev/mmcblk0, runs the initramfs's /init (self-test with test=1, else a shell). Also
# demo/linux/versatile-pb-sd.dtb: versatile-pb.dtb with MMCI0 as QEMU 7.2 wires it (see below).
#
#   scripts/build-sd-image.sh [--out DIR]     (default DIR: demo/linux)
#
# Needs cpio, e2fsprogs (mke2fs, debugfs, e2fsck) and fdtput; no root, no cross compiler, no kernel
# build. Work files go under build/sd-image/ (made afresh on every run).
#
# Reproducibility: everything is fixed that mke2fs would take from the host or the clock. The
# UUID and the directory hash seed are constants (-U, -E hash_seed), E2FSPROGS_FAKE_TIME is the
# initramfs's own fixed mtime (the superblock's times and those of the inodes mke2fs makes), the
# staging tree's mtimes are set to it, and a debugfs pass then sets every inode's owner (root)
# and its atime/mtime/ctime (mke2fs -d copies ctime and owners from the host files) and makes
# /dev/console (a device node a non-root user cannot create in the staging tree). mke2fs -d
# adds a directory's entries in the order it reads them; the staging tree is made by one cpio
# run from a sorted archive, and the debugfs pass does not depend on that order.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/demo/linux"
while [[ $# -gt 0 ]]; do
	case "$1" in
	--out)
		OUT="$(mkdir -p "$2" && cd "$2" && pwd)"
		shift 2
		;;
	-h | --help)
		sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "usage: $0 [--out DIR]" >&2
		exit 2
		;;
	esac
done

say() { echo "sd-image: $*" >&2; }
die() {
	echo "sd-image: error: $*" >&2
	exit 1
}
for tool in cpio mke2fs debugfs e2fsck fdtput gzip find sort; do
	command -v "$tool" >/dev/null 2>&1 || die "needs $tool (Debian packages: cpio e2fsprogs device-tree-compiler)"
done
export LC_ALL=C TZ=UTC
umask 022

CPIO="$ROOT/demo/linux/rootfs.cpio.gz"
[[ -f "$CPIO" ]] || die "$CPIO is missing (scripts/build-linux-image.sh makes it)"
WORK="$ROOT/build/sd-image"
STAGE="$WORK/root"
IMG="$WORK/sd.img"
SIZE=8M                                         # a power of two: QEMU refuses other SD sizes
UUID=6479e777-6173-4d00-8000-000000000001       # fixed ("dynwasm" in the first bytes)
HASH_SEED=6479e777-6173-4d00-8000-000000000002  # fixed directory hash seed

rm -rf "$WORK"
mkdir -p "$STAGE"
# The initramfs's tree, except its device node (made below with debugfs).
gzip -dc "$CPIO" | (cd "$STAGE" && cpio -idm --quiet --no-absolute-filenames --nonmatching dev/console)
[[ -x "$STAGE/init" && -f "$STAGE/bin/busybox" ]] || die "the initramfs has no /init or /bin/busybox"
EPOCH="$(stat -c %Y "$STAGE/bin/busybox")"     # gen_init_cpio's fixed mtime of the initramfs
# A root file system is started with /sbin/init (init= is not needed): the same /init.
ln -sfn /init "$STAGE/sbin/init"
find "$STAGE" -exec touch -h -d "@$EPOCH" {} +

# debugfs commands: root owns everything, every time is EPOCH, and /dev/console as in the initramfs.
{
	printf '%s\n' "cd /dev" "mknod console c 5 1" "cd /" "sif /dev/console mode 020600"
	(cd "$STAGE" && find . -mindepth 1 | sed 's|^\.||' | sort)
	echo "/dev/console"
	echo "/"
	echo "/lost+found"
} | {
	for _ in 1 2 3 4; do
		read -r l
		echo "$l"
	done
	while IFS= read -r p; do
		for f in uid gid atime mtime ctime; do
			case "$f" in
			uid | gid) echo "sif $p $f 0" ;;
			*) echo "sif $p $f @$EPOCH" ;;
			esac
		done
	done
} >"$WORK/debugfs.cmds"

rm -f "$IMG"
export E2FSPROGS_FAKE_TIME="$EPOCH"
mke2fs -q -F -t ext2 -b 1024 -I 128 -m 0 -L dynwasm-sd -U "$UUID" \
	-E "hash_seed=$HASH_SEED,root_owner=0:0" -d "$STAGE" "$IMG" "$SIZE" >"$WORK/mke2fs.log" 2>&1 ||
	{
		cat "$WORK/mke2fs.log" >&2
		die "mke2fs failed"
	}
debugfs -w -f "$WORK/debugfs.cmds" "$IMG" >"$WORK/debugfs.log" 2>&1 || {
	cat "$WORK/debugfs.log" >&2
	die "debugfs failed"
}
if grep -v -e '^debugfs' -e '^Allocated inode' "$WORK/debugfs.log" | grep -q .; then
	grep -v -e '^debugfs' -e '^Allocated inode' "$WORK/debugfs.log" >&2
	die "debugfs complained (log: $WORK/debugfs.log)"
fi
e2fsck -fn "$IMG" >"$WORK/e2fsck.log" 2>&1 || {
	cat "$WORK/e2fsck.log" >&2
	die "e2fsck finds the image inconsistent"
}

# The dtb for booting from the card on QEMU 7.2 (and so here). Linux's versatile-pb.dts gives
# MMCI0 (mmc@5000) SIC interrupts 22 and 23 and MMCI1 (mmc@b000) SIC 1 and 2; QEMU's versatilepb
# wires MMCI0 to SIC 22 and 1 and MMCI1 to SIC 23 and 2, so Linux would never see MMCI0's PIO
# interrupt (the data of the first block read, the SCR, never arrives). And QEMU does not wire the
# card-detect line to SYS_MCI (0x10000048), which the kernel's versatile board code reads for
# MMCI0's card presence: without `non-removable` Linux never looks for the card. The edit is done
# in place with fdtput (no dtc round trip): the same bytes from the same versatile-pb.dtb.
DTB_IN="$ROOT/demo/linux/versatile-pb.dtb"
DTB="$WORK/versatile-pb-sd.dtb"
cp "$DTB_IN" "$DTB"
fdtput "$DTB" /amba/fpga/mmc@5000 non-removable
SIC_PHANDLE="$(fdtget -t u "$DTB_IN" /amba/fpga/mmc@5000 interrupts-extended | awk '{ print $1 }')"
fdtput -t u "$DTB" /amba/fpga/mmc@5000 interrupts-extended "$SIC_PHANDLE" 22 "$SIC_PHANDLE" 1
fdtput -t u "$DTB" /amba/fpga/mmc@b000 interrupts 23 2

mkdir -p "$OUT"
cp "$IMG" "$OUT/sd.img"
cp "$DTB" "$OUT/versatile-pb-sd.dtb"
say "$OUT/sd.img: $(stat -c %s "$OUT/sd.img") bytes, ext2, $(grep -c '^sif .* uid' "$WORK/debugfs.cmds") inodes set"
(cd "$OUT" && sha256sum sd.img versatile-pb-sd.dtb)
