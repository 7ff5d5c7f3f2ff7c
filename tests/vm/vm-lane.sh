#!/bin/bash
# rtrun's VM test lane: boots a Debian kernel under QEMU with the host's root filesystem as the
# guest's (read-only 9p under a tmpfs overlay), the given dirs shared read-write at their own
# paths, a chosen cgroup layout, and runs ONE batch command in it. The command's output streams
# to stdout; the exit status is the command's (124: timed out, 125: the lane itself failed).
set -euo pipefail

usage() {
	cat <<'EOF'
usage: vm-lane.sh [options] [--] COMMAND [ARG...]
  -c N      vCPUs (default 4)
  -m MIB    guest memory (default 2048)
  -k K      kernel: default | rt | /boot/vmlinuz-VERSION (default: default)
  -g L      cgroup layout: v2 (pure: cgroup_no_v1=all, every controller enabled in the root's
            subtree_control) | v1 (one hierarchy per controller)   (default v2)
  -i INIT   PID 1 of the guest: busybox (the lane's own init, default) | systemd (the guest's
            systemd boots to a target whose service runs the command; v1 is systemd's hybrid)
  -a ARGS   extra kernel command line (repeatable), e.g. -a "isolcpus=3"
  -s DIR    share DIR read-write at the same path (repeatable; default: the current dir)
  -t SEC    timeout of the command inside the guest (default 900)
  -q        do not stream the command's output while it runs (print it at the end)
In the guest: RTRUN_IN_VM=1, RTRUN_VM_CGROUP=v1|v2, RTRUN_VM_CPUS=N, TMPDIR=/tmp; /tmp, /run, /var/tmp are
tmpfs (use them for sockets, FIFOs and --root dirs: 9p has neither). The working dir is the
current dir when it is shared. Env: VM_LANE_ACCEL=kvm|tcg (default: kvm only when /dev/kvm is
hardware KVM), VM_LANE_CACHE (default /var/tmp/rtrun-vm-lane: kernel image and initramfs).
EOF
}
die() {
	echo "vm-lane: $*" >&2
	exit 125
}

cpus=4 mem=2048 kernel=default layout=v2 init=busybox append="" timeout=900 stream=1
shares=()
while getopts "c:m:k:g:i:a:s:t:qh" opt; do
	case $opt in
	c) cpus=$OPTARG ;;
	m) mem=$OPTARG ;;
	k) kernel=$OPTARG ;;
	g) layout=$OPTARG ;;
	i) init=$OPTARG ;;
	a) append="$append $OPTARG" ;;
	s) shares+=("$(realpath -e -- "$OPTARG")") || die "no such dir: $OPTARG" ;;
	t) timeout=$OPTARG ;;
	q) stream=0 ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 125 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { usage >&2; exit 125; }
for n in "$cpus" "$mem" "$timeout"; do [[ $n =~ ^[1-9][0-9]*$ ]] || die "not a positive integer: $n"; done
case $layout in v1 | v2) ;; *) die "-g takes v1 or v2, not '$layout'" ;; esac
case $init in busybox | systemd) ;; *) die "-i takes busybox or systemd, not '$init'" ;; esac
[ ${#shares[@]} -gt 0 ] || shares=("$(pwd -P)")
if [ "$init" = systemd ]; then
	# The guest's systemd-tmpfiles empties /tmp and /var/tmp and populates /run, /var, /dev at
	# boot: a share at or above one of those would do it to the host's directory.
	for s in "${shares[@]}"; do
		for d in /tmp /var/tmp /run /var /dev /etc; do
			[[ $d == "$s" || $d == "$s"/* || $s == / ]] && die "-i systemd: refusing to share $s (the guest's systemd-tmpfiles would clean the host's $d)"
		done
	done
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is missing (apt-get install qemu-system-x86)"
busybox=$(command -v busybox) || die "busybox is missing (apt-get install busybox-static)"
! ldd "$busybox" >/dev/null 2>&1 || die "$busybox is dynamic; the initramfs needs busybox-static"

# ---- kernel -------------------------------------------------------------------------------
case $kernel in
default) image=$(ls -v /boot/vmlinuz-*-amd64 2>/dev/null | grep -Ev -- '-(rt|cloud)-amd64$' | tail -n 1 || true) ;;
rt) image=$(ls -v /boot/vmlinuz-*-rt-amd64 2>/dev/null | tail -n 1 || true) ;;
*) image=$kernel ;;
esac
[ -n "$image" ] && [ -r "$image" ] ||
	die "no '$kernel' kernel in /boot (apt-get install linux-image-amd64 linux-image-rt-amd64)"
kver=${image##*/vmlinuz-}
[ -d "/lib/modules/$kver" ] || die "/lib/modules/$kver is missing (the guest loads its modules from there)"

# ---- accelerator: only hardware KVM boots a stock kernel (PVM's /dev/kvm does not) ---------
accel=${VM_LANE_ACCEL:-}
if [ -z "$accel" ]; then
	accel=tcg
	if [ -r /dev/kvm ] && [ -w /dev/kvm ] && { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then
		accel=kvm
	fi
fi
case $accel in
kvm) qaccel=(-accel kvm -cpu host) ;;
# TCG's TSC is not synchronised between vCPUs in a way the guest can verify; trust it.
tcg) qaccel=(-accel tcg,thread=multi -cpu max) append="tsc=reliable $append" ;;
*) die "VM_LANE_ACCEL must be kvm or tcg" ;;
esac

# ---- cached boot files ---------------------------------------------------------------------
cache=${VM_LANE_CACHE:-/var/tmp/rtrun-vm-lane}
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9 # two lanes building the same initramfs at once would race

# QEMU boots an uncompressed ELF vmlinux through its PVH entry point, which skips the firmware
# and the in-guest decompression (seconds under TCG); fall back to the bzImage otherwise.
boot=$cache/vmlinux-$kver-$(stat -c %s-%Y "$image")
if [ ! -s "$boot" ]; then
	at=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$image" | head -n 1 | cut -d: -f1 || true)
	if [ -n "$at" ] && tail -c +$((at + 1)) "$image" | xz -dcq --single-stream >"$boot.part" 2>/dev/null &&
		[ "$(head -c 4 "$boot.part" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
		mv "$boot.part" "$boot"
	else
		rm -f "$boot.part"
	fi
fi
[ -s "$boot" ] || boot=$image

mods=$(modprobe -S "$kver" --show-depends -a virtio_pci 9pnet_virtio 9p overlay |
	awk '$1 == "insmod" && !seen[$2]++ { print $2 }') || die "modprobe cannot resolve the 9p modules of $kver"
key=$( (echo "$kver" "$mods"; cat "$here/guest-init.sh"; stat -c %Y "/lib/modules/$kver/modules.dep") |
	md5sum | cut -c1-16)
initrd=$cache/initrd-$kver-$key.cpio.gz
if [ ! -s "$initrd" ]; then
	tree=$(mktemp -d)
	mkdir -p "$tree"/{bin,mods,proc,sys,dev}
	cp "$busybox" "$tree/bin/busybox"
	install -m 0755 "$here/guest-init.sh" "$tree/init"
	for m in $mods; do
		cp "$m" "$tree/mods/"
		basename "$m" >>"$tree/mods/list"
	done
	(cd "$tree" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$initrd.part"
	mv "$initrd.part" "$initrd"
	rm -rf "$tree"
fi
flock -u 9

# ---- the batch command ---------------------------------------------------------------------
work=$(mktemp -d /tmp/rtrun-vm-lane.XXXXXX)
ctl=$work/ctl
mkdir "$ctl"
qpid="" tailpid=""
cleanup() {
	[ -z "$qpid" ] || kill "$qpid" 2>/dev/null || true
	[ -z "$tailpid" ] || kill "$tailpid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A share inside another share is already visible through it.
for s in "${shares[@]}"; do
	[[ $s != *[[:space:]]* ]] || die "share paths cannot contain whitespace: '$s'"
	inner=0
	for t in "${shares[@]}"; do [ "$s" != "$t" ] && [[ $s == "$t"/* ]] && inner=1; done
	[ $inner = 1 ] || echo "$s"
done | sort -u >"$ctl/shares"
{
	printf 'cd %q 2>/dev/null || cd /\n' "$(pwd -P)"
	printf 'exec'
	printf ' %q' "$@"
	echo
} >"$ctl/cmd"
: >"$ctl/log"

virtfs=(-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$ctl,mount_tag=lanectl,security_model=none")
n=0
while IFS= read -r s; do
	n=$((n + 1))
	virtfs+=(-virtfs "local,path=$s,mount_tag=share$n,security_model=none,multidevs=remap")
done <"$ctl/shares"

cmdline="console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init"
cmdline="$cmdline lane.cg=$layout lane.timeout=$timeout lane.cpus=$cpus"
[ "$layout" = v2 ] && cmdline="$cmdline cgroup_no_v1=all"
if [ "$init" = systemd ]; then
	cmdline="$cmdline lane.init=systemd systemd.show_status=0"
	[ "$layout" = v1 ] && cmdline="$cmdline systemd.unified_cgroup_hierarchy=0"
fi
cmdline="$cmdline $append"

start=$(date +%s)
# The timeout bounds the whole VM: boot, command, shutdown.
timeout -k 5 $((timeout + 240)) qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot \
	-machine pc "${qaccel[@]}" -smp "$cpus" -m "$mem" \
	-kernel "$boot" -initrd "$initrd" -append "$cmdline" \
	-serial "file:$work/console" "${virtfs[@]}" >"$work/qemu.out" 2>&1 &
qpid=$!
if [ $stream = 1 ]; then
	tail -n +1 -f --pid="$qpid" "$ctl/log" &
	tailpid=$!
fi
qrc=0
wait "$qpid" || qrc=$?
qpid=""
if [ -n "$tailpid" ]; then
	wait "$tailpid" 2>/dev/null || true
	tailpid=""
else
	cat "$ctl/log"
fi
if [ ! -s "$ctl/status" ]; then
	echo "vm-lane: the VM ended without a result (qemu status $qrc, $(($(date +%s) - start)) s); console:" >&2
	tail -n 40 "$work/console" "$work/qemu.out" >&2 || true
	exit 125
fi
if [ -n "${VM_LANE_VERBOSE:-}" ]; then
	echo "vm-lane: $kver $layout ${cpus}cpu $accel: command started at $(cat "$ctl/booted" 2>/dev/null) s" \
		"of guest uptime, total $(($(date +%s) - start)) s" >&2
fi
exit "$(cat "$ctl/status")"
