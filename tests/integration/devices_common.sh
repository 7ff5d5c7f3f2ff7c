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

# Named cases (cases_lib.sh): each case gets a fresh $T, and its containers and cgroups go
# after it.
CASES_DIR=$T_SCRIPT
case_after() { cleanup_containers; }
# shellcheck source=cases_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/cases_lib.sh"
