#!/bin/bash
# Bad CDI input fails create naming the device and the spec file, and leaves nothing behind:
# no state directory, no cgroup, no process.
# Named cases (devices_common.sh): bash t_devices_cdi_errors.sh --list; bash t_devices_cdi_errors.sh NAME...
. "$(dirname "$0")/devices_common.sh"
trap cleanup_common EXIT

ID=devices-bad
case_setup() {
	B=$T/bundle
	make_bundle "$B"
	mkdir -p "$T/cdi"
	export RTRUN_CDI_DIRS=$T/cdi
	cat >"$T/cdi/vendor.json" <<'JSON'
{"cdiVersion": "0.6.0", "kind": "vendor.example/gpu",
 "devices": [{"name": "0", "containerEdits": {"env": ["GPU_INDEX=0"]}}]}
JSON
}

# expect_create_fails ANNOTATIONS WORD... : create fails, the error holds every WORD, and
# nothing of the container exists afterwards.
expect_create_fails() {
	local ann=$1
	shift
	write_config "$B" "$ID" '["true"]' "$ann" ''
	if rt create --bundle "$B" "$ID" >"$T/out" 2>"$T/err"; then
		fail "create succeeded with $ann"
	fi
	for w in "$@"; do
		grep -qF -- "$w" "$T/err" || fail "error lacks \"$w\": $(cat "$T/err")"
	done
	[ ! -e "$ROOT/$ID" ] || fail "state directory $ROOT/$ID left behind"
	rt state "$ID" >/dev/null 2>&1 && fail "rtrun state still knows $ID"
	for c in /sys/fs/cgroup/*$CG_PARENT/$ID; do
		[ -d "$c" ] && fail "cgroup $c left behind"
	done
	echo "ok: $(head -c 300 "$T/err")"
}

# unknown device of a known kind: the device and the spec file that defines the kind
case_unknown_device() {
	expect_create_fails '{"org.rtrun.cdi.devices": "vendor.example/gpu=7"}' \
		vendor.example/gpu=7 "$T/cdi/vendor.json" unknown
}
# unknown vendor/class: the device and the directories searched
case_unknown_kind() {
	expect_create_fails '{"cdi.k8s.io/x": "other.example/gpu=0"}' other.example/gpu=0 "$T/cdi"
}
# not a device name at all: the annotation
case_not_a_device_name() {
	expect_create_fails '{"org.rtrun.cdi.devices": "gpu0"}' 'annotations["org.rtrun.cdi.devices"]' gpu0
}
# malformed JSON spec: the device and the file
case_malformed_json() {
	printf '{"cdiVersion": "0.6.0", "kind": "broken.example/gpu", "devices": [' >"$T/cdi/broken.json"
	expect_create_fails '{"org.rtrun.cdi.devices": "broken.example/gpu=0"}' \
		broken.example/gpu=0 "$T/cdi/broken.json" "invalid JSON"
}
# malformed YAML field: the device, the file and the field
case_malformed_yaml() {
	cat >"$T/cdi/broken.yaml" <<'YAML'
cdiVersion: 0.6.0
kind: broken.example/gpu
devices:
- name: "0"
  containerEdits:
    deviceNodes:
    - {path: /dev/x, major: one}
YAML
	expect_create_fails '{"org.rtrun.cdi.devices": "broken.example/gpu=0"}' \
		broken.example/gpu=0 "$T/cdi/broken.yaml" "deviceNodes[0].major"
}
# two files of one directory defining the same device: both files
case_same_device_twice() {
	cp "$T/cdi/vendor.json" "$T/cdi/vendor-copy.json"
	expect_create_fails '{"org.rtrun.cdi.devices": "vendor.example/gpu=0"}' \
		vendor.example/gpu=0 "$T/cdi/vendor.json" "$T/cdi/vendor-copy.json" conflicting
}
# a device node that exists nowhere and has no numbers
case_node_nowhere() {
	cat >"$T/cdi/vendor.json" <<JSON
{"cdiVersion": "0.6.0", "kind": "vendor.example/gpu",
 "devices": [{"name": "0", "containerEdits": {"deviceNodes": [{"path": "$T/absent-node"}]}}]}
JSON
	expect_create_fails '{"org.rtrun.cdi.devices": "vendor.example/gpu=0"}' \
		vendor.example/gpu=0 "$T/cdi/vendor.json" "$T/absent-node"
}
# a CDI hook that fails: the hook, the device and the spec file
case_hook_fails() {
	cat >"$T/cdi/vendor.json" <<'JSON'
{"cdiVersion": "0.6.0", "kind": "vendor.example/gpu",
 "devices": [{"name": "0", "containerEdits": {"hooks": [
   {"hookName": "createRuntime", "path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}]}}]}
JSON
	expect_create_fails '{"org.rtrun.cdi.devices": "vendor.example/gpu=0"}' \
		"hooks.createRuntime[0]" "status 3" vendor.example/gpu=0 "$T/cdi/vendor.json"
}

run_cases "$@"
