#!/bin/bash
# A container asking for vendor.example/gpu=0 through the org.rtrun.cdi.devices annotation
# gets exactly the nodes, env and mounts of the CDI spec (fake GPU nodes: major 195, no
# driver), and the device cgroup denies every other node.
# Named cases (devices_common.sh): bash t_devices_cdi.sh --list; bash t_devices_cdi.sh NAME...
. "$(dirname "$0")/devices_common.sh"
trap cleanup_common EXIT

ID=devices-cdi
case_setup() {
	B=$T/bundle
	make_bundle "$B"
	mkdir -p "$T/hostdev" "$T/cdi" "$T/share"
	mknod "$T/hostdev/nvidia0" c 195 0 && chmod 0666 "$T/hostdev/nvidia0"
	mknod "$T/hostdev/nvidiactl" c 195 255 && chmod 0660 "$T/hostdev/nvidiactl"
	mknod "$T/hostdev/nvidia1" c 195 1 && chmod 0666 "$T/hostdev/nvidia1"
	echo "vendor share" >"$T/share/hello"
}

case_annotation_yaml_spec() {
	# YAML, with the numbers of nvidia0 left out (taken from the host node) and nvidiactl in the
	# spec-wide edits.
	cat >"$T/cdi/vendor-example.yaml" <<YAML
cdiVersion: 0.6.0
kind: vendor.example/gpu
devices:
- name: "0"
  containerEdits:
    env: [GPU_INDEX=0]
    deviceNodes:
    - path: /dev/nvidia0
      hostPath: $T/hostdev/nvidia0
- name: "1"
  containerEdits:
    env: [GPU_INDEX=1]
    deviceNodes:
    - {path: /dev/nvidia1, hostPath: $T/hostdev/nvidia1}
containerEdits:
  env: [VENDOR=example]
  deviceNodes:
  - {path: /dev/nvidiactl, hostPath: $T/hostdev/nvidiactl, permissions: rw}
  mounts:
  - {hostPath: $T/share, containerPath: /opt/vendor, options: [ro, nosuid, nodev]}
  hooks:
  - {hookName: poststart, path: /bin/sh, args: [sh, -c, "echo started > $T/poststart"]}
  - {hookName: poststop, path: /bin/sh, args: [sh, -c, "echo stopped > $T/poststop"]}
YAML
	export RTRUN_CDI_DIRS=$T/nothing-here:$T/cdi

	# Inside: the nodes (type, numbers, mode), the env, the mount; then open() of each node:
	# ENXIO = the cgroup let it through to the absent driver, EPERM = the cgroup denied it.
	cat >"$B/rootfs/check.sh" <<'SH'
stat -c "%n %F %t:%T %a" /dev/nvidia0 /dev/nvidiactl
ls /dev/nvidia1 2>&1 | head -1
echo "GPU_INDEX=$GPU_INDEX VENDOR=$VENDOR"
cat /opt/vendor/hello
if echo x 2>/dev/null >/opt/vendor/new; then echo share-writable; else echo share-readonly; fi
for n in /dev/nvidia0 /dev/nvidiactl /tmp/gpu1-alias /tmp/fuse-alias; do
	[ -e $n ] || continue
	e=$(dd if=$n of=/dev/null count=0 2>&1)
	case "$e" in
	*"No such device or address"*) echo "$n allowed" ;;
	*"Operation not permitted"*) echo "$n denied" ;;
	*) echo "$n other: $e" ;;
	esac
done
SH
	write_config "$B" "$ID" '["sh", "/check.sh"]' \
		'{"org.rtrun.cdi.devices": "vendor.example/gpu=0"}' ''

	# Unrequested nodes placed in the rootfs: the second GPU and /dev/fuse's numbers (10:229, not
	# among the default allowed devices; its open needs no capability), so only the cgroup can stop
	# it.
	mknod "$B/rootfs/tmp/gpu1-alias" c 195 1
	grep -qw fuse /proc/misc || modprobe fuse 2>/dev/null || true
	have_fuse=0
	if grep -qw fuse /proc/misc; then
		have_fuse=1
		mknod -m 666 "$B/rootfs/tmp/fuse-alias" c 10 229
		dd if="$B/rootfs/tmp/fuse-alias" of=/dev/null count=0 2>/dev/null ||
			fail "control: 10:229 does not open on the host"
	else
		echo "note: no fuse driver: the 10:229 control is left out"
	fi

	rt create --bundle "$B" "$ID" >"$T/out" 2>"$T/err" || fail "create: $(cat "$T/err")"
	cgdir=/sys/fs/cgroup/devices$CG_PARENT/$ID
	if [ -f "$cgdir/devices.list" ]; then
		list=$(cat "$cgdir/devices.list")
		grep -qx 'c 195:0 rwm' <<<"$list" || fail "devices.list lacks c 195:0 rwm: $list"
		grep -qx 'c 195:255 rw' <<<"$list" || fail "devices.list lacks c 195:255 rw: $list"
		grep -q '^c 195:1 ' <<<"$list" && fail "devices.list allows the unrequested 195:1: $list"
		grep -q '^a ' <<<"$list" && fail "devices.list allows everything: $list"
		echo "ok: device cgroup list: $(tr '\n' ' ' <<<"$list")"
	fi
	rt start "$ID" || fail "start"
	wait_stopped "$ID" || fail "container did not finish"
	out=$(cat "$T/out")
	echo "$out"
	grep -qx '/dev/nvidia0 character special file c3:0 666' <<<"$out" || fail "nvidia0 node"
	grep -qx '/dev/nvidiactl character special file c3:ff 660' <<<"$out" || fail "nvidiactl node"
	grep -q 'No such file' <<<"$out" || fail "unrequested /dev/nvidia1 exists inside"
	grep -qx 'GPU_INDEX=0 VENDOR=example' <<<"$out" || fail "env"
	grep -qx 'vendor share' <<<"$out" || fail "mount"
	grep -qx 'share-readonly' <<<"$out" || fail "mount is writable"
	grep -qx '/dev/nvidia0 allowed' <<<"$out" || fail "nvidia0 not allowed by the cgroup"
	grep -qx '/dev/nvidiactl allowed' <<<"$out" || fail "nvidiactl not allowed by the cgroup"
	grep -qx '/tmp/gpu1-alias denied' <<<"$out" || fail "195:1 not denied"
	[ $have_fuse = 0 ] || grep -qx '/tmp/fuse-alias denied' <<<"$out" || fail "10:229 not denied"
	rt delete "$ID" || fail "delete"
	# hooks of the CDI spec that run outside create: start and delete read the kept config
	grep -qx started "$T/poststart" 2>/dev/null || fail "the CDI poststart hook did not run"
	grep -qx stopped "$T/poststop" 2>/dev/null || fail "the CDI poststop hook did not run"
}

# The same device through the standard cdi.k8s.io annotation, from a JSON spec file.
k8s_json_config() {
	mkdir "$T/cdi2"
	cat >"$T/cdi2/vendor.json" <<JSON
{"cdiVersion": "0.5.0", "kind": "vendor.example/gpu",
 "devices": [{"name": "1", "containerEdits": {"env": ["GPU_INDEX=1"],
   "deviceNodes": [{"path": "/dev/nvidia1", "hostPath": "$T/hostdev/nvidia1"}]}}]}
JSON
	export RTRUN_CDI_DIRS=$T/cdi2
	write_config "$B" "$ID" '["sh", "-c", "stat -c \"%n %t:%T\" /dev/nvidia1; echo GPU_INDEX=$GPU_INDEX"]' \
		'{"cdi.k8s.io/gpu": "vendor.example/gpu=1"}' ''
}

case_k8s_annotation_json_spec() {
	k8s_json_config
	rt create --bundle "$B" "$ID" >"$T/out2" 2>&1 || fail "create: $(cat "$T/out2")"
	rt start "$ID" || fail "start"
	wait_stopped "$ID" || fail "container did not finish"
	grep -qx '/dev/nvidia1 c3:1' "$T/out2" || fail "cdi.k8s.io annotation: $(cat "$T/out2")"
	grep -qx 'GPU_INDEX=1' "$T/out2" || fail "cdi.k8s.io env: $(cat "$T/out2")"
	rt delete "$ID" 2>/dev/null || true
}

# In a user namespace nodes cannot be made, only bound from the host: from the hostPath
# (3:1 under $T/hostdev), not from /dev/nvidia1 on the host, which may be another device or none.
case_userns_binds_host_path() {
	k8s_json_config
	chmod 755 "$T_SCRIPT" "$T" "$B" # the user namespace's root (host uid 100000) must reach its rootfs
	jq '.linux.namespaces += [{"type": "user"}] |
  .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
  .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
  .mounts |= map(select(.type != "cgroup"))' \
		"$B/config.json" >"$T/userns.json" && mv "$T/userns.json" "$B/config.json"
	rt create --bundle "$B" "$ID" >"$T/out3" 2>&1 || fail "create in a user namespace: $(cat "$T/out3")"
	rt start "$ID" || fail "start"
	wait_stopped "$ID" || fail "container did not finish"
	grep -qx '/dev/nvidia1 c3:1' "$T/out3" || fail "user namespace: node not bound from hostPath: $(cat "$T/out3")"
	rt delete "$ID" 2>/dev/null || true
}

run_cases "$@"
