#!/usr/bin/env bash
# Fetches Debian's armel busybox-static (a statically linked ARM busybox) into build/busybox/,
# the same version for i386 into build/busybox-i386/ (the guest of dynwasm-i386's busybox tests
# and bench rows), and for the host's architecture into build/busybox-native/ (the reference
# of test/linux-busybox.test.ts: qemu-arm cannot be, as busybox's shell execs its applets through
# /proc/self/exe and qemu-arm hands execve to the host kernel, which cannot run ARM programs
# without binfmt_misc). The host's apt configuration is left alone: apt runs with
# APT::Architecture=armel (and i386 as a foreign architecture) and private package lists and cache
# under build/busybox-apt/, so the host's own lists, cache and dpkg state are neither read for
# these architectures nor changed.
# Skips everything when all three busyboxes are already there; fails clearly when offline.
# Usage: scripts/fetch-busybox.sh [--force]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/build/busybox"
APTDIR="$ROOT/build/busybox-apt"
BUSYBOX="$OUT/bin/busybox"
NATIVE_OUT="$ROOT/build/busybox-native"
NATIVE_BUSYBOX="$NATIVE_OUT/bin/busybox"
I386_OUT="$ROOT/build/busybox-i386"
I386_BUSYBOX="$I386_OUT/bin/busybox"

if [[ "${1:-}" != "--force" && -x "$BUSYBOX" && -x "$I386_BUSYBOX" && -x "$NATIVE_BUSYBOX" ]]; then
	echo "busybox: up to date ($BUSYBOX, $I386_BUSYBOX, $NATIVE_BUSYBOX)"
	exit 0
fi

for tool in apt-get dpkg-deb; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "error: fetch-busybox.sh needs $tool (a Debian machine)" >&2
		exit 1
	fi
done

HOST_ARCH="$(dpkg --print-architecture)"
rm -rf "$APTDIR"
mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$APTDIR/download"
: >"$APTDIR/status"
# apt drops to its _apt user to download; it must be able to write where it downloads.
if [[ "$(id -u)" -eq 0 ]] && id _apt >/dev/null 2>&1; then
	chown -R _apt "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$APTDIR/download" 2>/dev/null || true
fi

APT_OPTS=(
	-o APT::Architecture=armel
	-o APT::Architectures::=armel
	-o APT::Architectures::=i386
	-o APT::Architectures::="$HOST_ARCH"
	-o Dir::State::Lists="$APTDIR/lists"
	-o Dir::State::status="$APTDIR/status"
	-o Dir::Cache="$APTDIR/cache"
	-o Dir::Cache::pkgcache=""
	-o Dir::Cache::srcpkgcache=""
	-o Debug::NoLocking=1
)

echo "busybox: updating armel and i386 package lists in $APTDIR (the host's apt state is not touched)"
# An index that fails to download (a mirror caught mid-sync, seen for bookworm-security's i386
# list) is only a warning: busybox-static comes from the main suite, and every download below
# fails clearly when its package is not in the lists (offline, no Debian package sources).
if ! apt-get "${APT_OPTS[@]}" -qq update >"$APTDIR/update.log" 2>&1 ||
	grep -qE '^(W|E): (Failed to fetch|Some index files failed)' "$APTDIR/update.log"; then
	echo "busybox: warning: some package lists could not be updated:" >&2
	grep -E '^(W|E): ' "$APTDIR/update.log" >&2 || cat "$APTDIR/update.log" >&2
fi

extract() { # arch outdir [=version]
	local arch="$1" out="$2" version="${3:-}" deb
	echo "busybox: downloading busybox-static:$arch$version"
	rm -f "$APTDIR"/download/*.deb
	if ! (cd "$APTDIR/download" && apt-get "${APT_OPTS[@]}" -qq download "busybox-static:$arch$version") >"$APTDIR/download.log" 2>&1; then
		cat "$APTDIR/update.log" "$APTDIR/download.log" >&2
		echo "error: could not download busybox-static:$arch$version (offline, or no Debian package sources?)" >&2
		exit 1
	fi
	deb="$(ls "$APTDIR"/download/busybox-static_*_"$arch".deb 2>/dev/null | head -n 1)"
	if [[ -z "$deb" ]]; then
		cat "$APTDIR/download.log" >&2
		echo "error: apt-get download did not produce busybox-static_*_$arch.deb" >&2
		exit 1
	fi
	rm -rf "$out"
	mkdir -p "$out"
	dpkg-deb -x "$deb" "$out"
	if [[ ! -x "$out/bin/busybox" ]]; then
		echo "error: $deb has no bin/busybox" >&2
		exit 1
	fi
	cp "$deb" "$out/"
	echo "busybox: extracted $(basename "$deb") into $out"
}

extract armel "$OUT"
# The i386 guest and the host's reference: the very version of the armel one.
VERSION="$(dpkg-deb -f "$OUT"/busybox-static_*_armel.deb Version)"
extract i386 "$I386_OUT" "=$VERSION"
extract "$HOST_ARCH" "$NATIVE_OUT" "=$VERSION"
# The package lists are not needed any more.
rm -rf "$APTDIR/lists" "$APTDIR/cache"
