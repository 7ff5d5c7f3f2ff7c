#!/bin/bash
# Device access control (v1 devices.allow/deny, v2 eBPF): /dev/fuse given through linux.devices
# opens only when a rule allows c 10:229, while the default devices (/dev/null) stay usable.
set -uo pipefail
# Named cases (lib.sh): bash t_cgroups_devices.sh --list; bash t_cgroups_devices.sh NAME...
. "${RTRUN_SRC:?}/tests/integration/cgroups_lib.sh"
cgt_init dev
# The container's node is made from major:minor; opening it needs the fuse driver loaded.
grep -qw fuse /proc/misc || modprobe fuse 2>/dev/null
grep -qw fuse /proc/misc || skip "the kernel has no fuse driver (misc device 229)"

probe='["sh","-c","(exec 3<>/dev/fuse) && echo fuse-opened; (exec 4<>/dev/null) && echo null-opened; echo x >/dev/null && echo null-written"]'
fuse='.linux.devices = [{path: "/dev/fuse", type: "c", major: 10, minor: 229, fileMode: 438, uid: 0, gid: 0}]'
run_with() { # run_with NAME RULES_JSON
	local b=$TMP/$1
	mkbundle "$b" "$probe" "{\"devices\": $2}" "$fuse" || return 99
	rt run --bundle "$b" "cgroups-dev-$1" </dev/null 2>&1
}

case_deny_all_allow_one() {
	out=$(run_with allow '[{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rwm"}]')
	expect_match "[deny all, allow c 10:229 rwm]: fuse" "$out" fuse-opened
	expect_match "[deny all, allow c 10:229 rwm]: null" "$out" null-written
}

case_deny_all() {
	out=$(run_with deny '[{"allow": false, "access": "rwm"}]')
	[[ $out == *fuse-opened* ]] && fail "[deny all]: /dev/fuse opened: $out" || ok "[deny all]: /dev/fuse refused"
	expect_match "[deny all]: the refusal" "$out" "Operation not permitted"
	expect_match "[deny all]: null stays usable" "$out" null-opened
}

# Read-only access: the open for read and write is refused, a read-only one passes.
case_read_only() {
	probe='["sh","-c","(exec 3</dev/fuse) && echo fuse-read; (exec 3<>/dev/fuse) && echo fuse-rw"]'
	out=$(run_with ro '[{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "r"}]')
	expect_match "[allow c 10:229 r]: read" "$out" fuse-read
	[[ $out == *fuse-rw* ]] && fail "[allow c 10:229 r]: opened for writing" || ok "[allow c 10:229 r]: no write"
}

lib_run_cases "$@"
