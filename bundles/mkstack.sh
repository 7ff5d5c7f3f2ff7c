#!/bin/bash
# Builds the root filesystems of the example driving stack: bundles/{control,planning,
# perception,hog}/rootfs from busybox-static plus the static rtprobe (built by CMake into
# BUILD/tests/helpers/rtprobe). The rootfs dirs are generated, never committed.
# usage: bundles/mkstack.sh [-b BUILD_DIR] [BUNDLE...]   (default: all four; BUILD_DIR: build/)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${RTRUN_BUILD:-$here/../build}
while getopts "b:h" opt; do
	case $opt in
	b) build=$OPTARG ;;
	h) sed -n '2,5p' "$0"; exit 0 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- control planning perception hog
die() {
	echo "mkstack: $*" >&2
	exit 1
}

busybox=$(command -v busybox) || die "busybox is missing (apt-get install busybox-static)"
! ldd "$busybox" >/dev/null 2>&1 || die "$busybox is dynamically linked; install busybox-static"
probe=$build/tests/helpers/rtprobe
[ -x "$probe" ] || die "$probe is missing: build first (cmake -S $here/.. -B $build && make -C $build)"
! ldd "$probe" >/dev/null 2>&1 || die "$probe is not static"

for name in "$@"; do
	dir=$here/$name
	[ -f "$dir/config.json" ] || die "no bundle '$name' ($dir/config.json missing)"
	rootfs=$dir/rootfs
	rm -rf "$rootfs.new"
	mkdir -p "$rootfs.new"/{bin,dev,proc,sys,tmp,etc}
	cp "$busybox" "$rootfs.new/bin/busybox"
	for applet in sh cat ls sleep ps echo; do ln -s busybox "$rootfs.new/bin/$applet"; done
	cp "$probe" "$rootfs.new/bin/rtprobe"
	echo "root:x:0:0:root:/:/bin/sh" >"$rootfs.new/etc/passwd"
	echo "root:x:0:" >"$rootfs.new/etc/group"
	rm -rf "$rootfs"
	mv "$rootfs.new" "$rootfs"
	echo "mkstack: $rootfs"
done
