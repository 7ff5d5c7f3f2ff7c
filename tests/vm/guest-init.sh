#!/bin/busybox sh
# The VM lane's /init (runs under the initramfs' static busybox; see vm-lane.sh).
# Boot phase: load the 9p/overlay modules, mount the host's / (9p, read-only) under a tmpfs
# overlay, then switch_root into it and re-run this file from /run/lane as phase "guest".
# Guest phase: mount the kernel filesystems and the cgroup layout asked for on the kernel command
# line (lane.cg=v1|v2), mount the shared host dirs read-write at their own paths, run the batch
# command (lane dir: cmd, shares; writes log, status), power off.
# With lane.init=systemd the guest phase hands PID 1 to the guest's systemd instead (after the
# shares are mounted): it mounts the cgroups itself, and a unit runs the batch command (phase
# "cmd") and powers off.
# Kernel command line: lane.cg=v2|v1, lane.timeout=SECONDS, lane.cpus=N (what the host asked for),
# lane.init=busybox|systemd.
P9=trans=virtio,version=9p2000.L,msize=524288

arg() { # value of lane.$1= on the kernel command line
	for w in $(cat /proc/cmdline); do
		case $w in lane.$1=*) echo "${w#*=}"; return;; esac
	done
}
fail() { echo "lane-init: $*" >/dev/console; echo o >/proc/sysrq-trigger; sleep 30; }

boot_phase() {
	/bin/busybox --install -s /bin
	export PATH=/bin
	mount -t proc none /proc && mount -t sysfs none /sys && mount -t devtmpfs none /dev
	while read -r m; do insmod "/mods/$m" || fail "insmod $m"; done </mods/list
	mkdir -p /host /mem /root
	mount -t 9p -o "$P9,ro,cache=loose" hostroot /host || fail "9p mount of the host root"
	mount -t tmpfs -o mode=0755 mem /mem && mkdir /mem/upper /mem/work
	mount -t overlay -o lowerdir=/host,upperdir=/mem/upper,workdir=/mem/work lanefs /root ||
		fail "overlay on the host root"
	# FIFOs and sockets do not work on 9p: everything a test creates lives on tmpfs.
	for d in tmp var/tmp; do mount -t tmpfs -o mode=1777 tmpfs "/root/$d"; done
	mount -t tmpfs -o mode=0755 tmpfs /root/run
	mkdir -p /root/run/lane/ctl
	cp /bin/busybox /init /root/run/lane/
	mount -t 9p -o "$P9,cache=none" lanectl /root/run/lane/ctl || fail "9p mount of the lane dir"
	for d in proc sys dev; do mount --move "/$d" "/root/$d"; done
	exec switch_root /root /run/lane/busybox sh /run/lane/init guest
}

mount_cgroups() {
	if [ "$1" = v1 ]; then
		$B mount -t tmpfs -o mode=0755 cgroup /sys/fs/cgroup
		# /proc/cgroups: subsys_name hierarchy num_cgroups enabled
		while read -r name _ _ enabled; do
			case $name in '#'*) continue;; esac
			[ "$enabled" = 1 ] || continue
			$B mkdir -p "/sys/fs/cgroup/$name"
			$B mount -t cgroup -o "$name" "$name" "/sys/fs/cgroup/$name" ||
				echo "lane-init: cannot mount v1 $name" >/dev/console
		done </proc/cgroups
	else
		$B mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup || fail "cgroup2 mount"
		for c in $($B cat /sys/fs/cgroup/cgroup.controllers); do
			echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control ||
				echo "lane-init: cannot enable $c" >/dev/console
		done
	fi
}

guest_phase() {
	B=/run/lane/busybox
	L=/run/lane/ctl
	CG=$(arg cg)
	TMO=$(arg timeout)
	$B mkdir -p /dev/pts /dev/shm /dev/mqueue
	$B mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts /dev/pts
	$B ln -sf pts/ptmx /dev/ptmx
	$B mount -t tmpfs -o mode=1777 shm /dev/shm
	$B mount -t mqueue mqueue /dev/mqueue
	$B mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	$B mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
	n=0
	while IFS= read -r dir; do
		n=$((n + 1))
		$B mkdir -p "$dir"
		$B mount -t 9p -o "$P9,cache=mmap" "share$n" "$dir" || fail "9p mount of $dir"
	done <$L/shares
	$B hostname rtrun-lane
	$B ip link set lo up
	if [ "$(arg init)" = systemd ]; then systemd_exec; fi
	mount_cgroups "${CG:-v2}"
	run_cmd
}

run_cmd() {
	B=/run/lane/busybox
	L=/run/lane/ctl
	CG=$(arg cg)
	TMO=$(arg timeout)
	$B cut -d' ' -f1 /proc/uptime >$L/booted
	# coreutils' timeout (busybox's own applet would shadow it if called by name).
	/usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 TMPDIR=/tmp \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		RTRUN_IN_VM=1 RTRUN_VM_CGROUP="${CG:-v2}" RTRUN_VM_CPUS="$(arg cpus)" \
		RTRUN_VM_INIT="$(arg init)" \
		/usr/bin/timeout -k 10 "${TMO:-600}" /bin/bash $L/cmd </dev/null >$L/log 2>&1
	echo $? >$L/status
	$B sync
	echo o >/proc/sysrq-trigger
	$B sleep 30
}

# systemd as PID 1: the host's units, minus what cannot work in the lane (no disks, consoles
# or network), reach rtrun-lane.target, whose service runs the command (run_cmd) and powers off.
systemd_exec() {
	E=/etc/systemd/system
	: >/etc/fstab
	for u in getty.target serial-getty@ttyS0.service getty@tty1.service console-getty.service \
		systemd-remount-fs.service systemd-timesyncd.service systemd-networkd.service \
		networking.service apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer \
		fstrim.timer man-db.timer logrotate.timer systemd-firstboot.service \
		systemd-random-seed.service systemd-update-utmp.service systemd-binfmt.service \
		systemd-pstore.service systemd-journal-flush.service; do
		$B ln -sf /dev/null "$E/$u"
	done
	$B cat >"$E/rtrun-lane.service" <<-EOF
		[Unit]
		Description=rtrun VM lane batch command
		After=basic.target dbus.socket
		Wants=dbus.socket
		[Service]
		Type=oneshot
		ExecStart=/run/lane/busybox sh /run/lane/init cmd
		StandardOutput=tty
		StandardError=tty
		TTYPath=/dev/console
	EOF
	$B cat >"$E/rtrun-lane.target" <<-EOF
		[Unit]
		Description=rtrun VM lane
		Requires=basic.target rtrun-lane.service
		After=basic.target
		AllowIsolate=yes
	EOF
	exec /lib/systemd/systemd --unit=rtrun-lane.target
}

case $1 in
guest) guest_phase ;;
cmd) run_cmd ;;
*) boot_phase ;;
esac
