# Shared by the t_devices_*.sh tests: prerequisites, a busybox bundle, a config writer and
# cleanup. Everything host-global is prefixed "devices" (container IDs, veths, cgroups).
set -euo pipefail

skip() {
	echo "SKIP: $*"
	exit 77
}
fail() {
	echo "FAIL: $*"
	exit 1
}

[ "$(id -u)" = 0 ] || skip "needs root"
RTRUN=${RTRUN:-}
[ -n "$RTRUN" ] && [ -x "$RTRUN" ] || skip "RTRUN is not set to the rtrun binary"
BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] && file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' ||
	[ -x /bin/busybox ] || skip "busybox-static is not installed"
BUSYBOX=${BUSYBOX:-/bin/busybox}

ROOT=/run/rtrun-test-devices
T_SCRIPT=$(mktemp -d /tmp/rtrun-test-devices.XXXXXX)
T=$T_SCRIPT # a case's own directory while it runs (run_cases)
CG_PARENT=/rtrun-test-devices
rt() { "$RTRUN" --root "$ROOT" "$@"; }

# make_bundle DIR: a busybox rootfs with the applet links.
make_bundle() {
	local b=$1
	mkdir -p "$b/rootfs/bin" "$b/rootfs/tmp" "$b/rootfs/proc" "$b/rootfs/dev" "$b/rootfs/sys"
	cp "$BUSYBOX" "$b/rootfs/bin/busybox"
	for a in sh cat ls stat env sleep ip dd grep echo head true; do
		ln -sf busybox "$b/rootfs/bin/$a"
	done
}

# write_config BUNDLE ID ARGS_JSON ANNOTATIONS_JSON EXTRA_LINUX_JSON
write_config() {
	cat >"$1/config.json" <<JSON
{
  "ociVersion": "1.2.0",
  "process": {
    "terminal": false,
    "user": {"uid": 0, "gid": 0},
    "args": $3,
    "env": ["PATH=/bin", "GPU_INDEX=unset"],
    "cwd": "/",
    "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"],
                     "permitted": ["CAP_KILL"]},
    "noNewPrivileges": true
  },
  "root": {"path": "rootfs"},
  "hostname": "devices",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
     "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs",
     "options": ["nosuid", "noexec", "nodev", "ro"]}
  ],
  "annotations": $4,
  "linux": {
    "cgroupsPath": "$CG_PARENT/$2",
    "resources": {"devices": [{"allow": false, "access": "rwm"}]},
    "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"},
                   {"type": "mount"}]$5
  }
}
JSON
}

# wait_file FILE: until it has content (bounded: 10 s).
wait_file() {
	for _ in $(seq 100); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# wait_stopped ID (bounded: 10 s).
wait_stopped() {
	for _ in $(seq 100); do
		rt state "$1" 2>/dev/null | grep -q '"status": *"stopped"' && return 0
		sleep 0.1
	done
	return 1
}

# Deletes the devices-* containers and the cgroups under $CG_PARENT.
cleanup_containers() {
	for id in $(ls "$ROOT" 2>/dev/null | grep '^devices-' || true); do
		rt delete --force "$id" >/dev/null 2>&1 || true
	done
	for c in /sys/fs/cgroup/*/"${CG_PARENT#/}" /sys/fs/cgroup/unified/"${CG_PARENT#/}"; do
		[ -d "$c" ] && find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null || true
	done
}

cleanup_common() {
	cleanup_containers
	rm -rf "$T_SCRIPT"
	rmdir "$ROOT" 2>/dev/null || true # still there if another devices test is running
}

# Named cases: a script defines functions case_NAME (in the order they run), optionally
# case_setup / case_teardown around each, and ends with `run_cases "$@"`. Each case runs in a
# subshell of its own (set -e: its first fail ends it, the next case still runs) with a fresh
# $T, and its containers and cgroups are removed afterwards.
#   bash t_devices_cdi.sh --list          the cases, one a line
#   bash t_devices_cdi.sh NAME...         only those (also RTRUN_CASE=NAME,NAME, which ctest
#                                         passes through)
run_cases() {
	local all want c n=0 failed=0 skipped=0 rc
	all=$(grep -oE '^case_[A-Za-z0-9_]+ *\(\)' "$0" | sed -E 's/^case_//; s/ *\(\)$//' |
		grep -vxE 'setup|teardown' || true)
	if [ "${1:-}" = --list ]; then
		echo "$all"
		exit 0
	fi
	want=${*:-${RTRUN_CASE:-}}
	want=${want//,/ }
	for c in $want; do
		grep -qx -- "$c" <<<"$all" ||
			{ echo "FATAL: no case '$c' in $(basename "$0"); its cases: $(echo $all)"; exit 2; }
	done
	[ -n "$want" ] || want=$all
	for c in $want; do
		n=$((n + 1))
		echo "# case $c"
		T=$T_SCRIPT/case-$c
		mkdir -p "$T"
		set +e
		(
			set -e
			if declare -F case_setup >/dev/null; then case_setup; fi
			"case_$c"
		)
		rc=$?
		set -e
		case $rc in
		0) ;;
		77) skipped=$((skipped + 1)) ;;
		*)
			failed=$((failed + 1))
			echo "FAIL: case $c (exit $rc)"
			;;
		esac
		if declare -F case_teardown >/dev/null; then case_teardown || true; fi
		cleanup_containers
		rm -rf "$T"
	done
	T=$T_SCRIPT
	echo "# $(basename "$0" .sh): $n case(s) run, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ] || exit 1
	[ "$skipped" -lt "$n" ] || exit 77
	exit 0
}
