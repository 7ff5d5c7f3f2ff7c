#!/bin/bash
# linux.devices entries without numbers: taken from the host node (/dev/fuse) or, for a GPU
# node absent on this host, from the NVIDIA numbering (/dev/nvidia0 = 195:0); mode, uid and gid
# honoured; allow rules added for exactly those nodes. A node that exists nowhere fails create.
# Named cases (devices_common.sh): bash t_devices_nodes.sh --list; bash t_devices_nodes.sh NAME...
. "$(dirname "$0")/devices_common.sh"
trap cleanup_common EXIT
[ -e /dev/nvidia0 ] && skip "this host has a real /dev/nvidia0 (the test wants it absent)"
# /dev/fuse: a host node outside the default allowed devices whose open needs no capability;
# without it /dev/full still shows the numbers taken from the host (but is allowed anyway).
grep -qw fuse /proc/misc || modprobe fuse 2>/dev/null || true
DEV=/dev/fuse
[ -c /dev/fuse ] || DEV=/dev/full

ID=devices-nodes
case_setup() {
	B=$T/bundle
	make_bundle "$B"
}

case_nodes_from_host() {
	cat >"$B/rootfs/check.sh" <<'SH'
stat -c "%n %t:%T %a %u:%g" /dev/nvidia0 @DEV@
for n in /dev/nvidia0 @DEV@ /tmp/gpu1-alias; do
	e=$(dd if=$n of=/dev/null count=0 2>&1) && { echo "$n opened"; continue; }
	case "$e" in
	*"No such device or address"*) echo "$n allowed" ;;
	*"Operation not permitted"*) echo "$n denied" ;;
	*) echo "$n other: $e" ;;
	esac
done
SH
	sed -i "s|@DEV@|$DEV|g" "$B/rootfs/check.sh"
	write_config "$B" "$ID" '["sh", "/check.sh"]' '{}' ',
    "devices": [{"path": "/dev/nvidia0", "type": "c", "fileMode": 432, "uid": 0, "gid": 44},
                {"path": "'$DEV'", "type": "c"}]'
	mknod "$B/rootfs/tmp/gpu1-alias" c 195 1
	hostnode=$(stat -c '%t:%T %a' $DEV)

	rt create --bundle "$B" "$ID" >"$T/out" 2>"$T/err" || fail "create: $(cat "$T/err")"
	list=/sys/fs/cgroup/devices$CG_PARENT/$ID/devices.list
	if [ -f "$list" ]; then
		grep -qx 'c 195:0 rwm' "$list" || fail "devices.list lacks 195:0: $(cat "$list")"
		[ $DEV != /dev/fuse ] || grep -qx 'c 10:229 rwm' "$list" || fail "devices.list lacks 10:229"
		grep -q '^c 195:1 ' "$list" && fail "devices.list allows 195:1"
	fi
	rt start "$ID" || fail "start"
	wait_stopped "$ID" || fail "container did not finish"
	cat "$T/out"
	grep -qx '/dev/nvidia0 c3:0 660 0:44' "$T/out" || fail "nvidia0: numbers, mode or owner"
	grep -qx "$DEV $hostnode 0:0" "$T/out" || fail "$DEV: not the host's numbers and mode ($hostnode)"
	grep -qx '/dev/nvidia0 allowed' "$T/out" || fail "nvidia0 not allowed"
	grep -qx "$DEV opened" "$T/out" || fail "$DEV not allowed"
	grep -qx '/tmp/gpu1-alias denied' "$T/out" || fail "195:1 not denied"
	rt delete "$ID" || fail "delete"
}

case_node_nowhere_refused() {
	write_config "$B" "$ID" '["true"]' '{}' ',
    "devices": [{"path": "/dev/rtrun-test-devices-none", "type": "c"}]'
	rt create --bundle "$B" "$ID" >"$T/out" 2>"$T/err" && fail "create with a node that exists nowhere"
	grep -q 'linux.devices\[0\]' "$T/err" && grep -q /dev/rtrun-test-devices-none "$T/err" ||
		fail "error does not name the entry: $(cat "$T/err")"
	[ ! -e "$ROOT/$ID" ] || fail "state directory left behind"
	echo "ok: $(cat "$T/err")"
}

run_cases "$@"
