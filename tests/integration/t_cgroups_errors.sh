#!/bin/bash
# Resource values the kernel rejects, controllers the host lacks and `unified` keys fail create
# with an error naming the file or key, the value and the reason, and leave nothing behind.
set -uo pipefail
# Named cases (lib.sh): bash t_cgroups_errors.sh --list; bash t_cgroups_errors.sh NAME...
. "${RTRUN_SRC:?}/tests/integration/cgroups_lib.sh"
cgt_init err

# try NAME RESOURCES_JSON REGEX...: create must fail, its error must match each REGEX, and no
# state or cgroup may remain.
try() {
	local name=$1 res=$2 b=$TMP/$1 out
	shift 2
	mkbundle "$b" '["true"]' "$res" || return
	if out=$(rt create --bundle "$b" "cgroups-err-$name" </dev/null 2>&1); then
		fail "$name: create succeeded with $res"
		rt delete --force "cgroups-err-$name" >/dev/null 2>&1
		return
	fi
	local re
	for re in "$@"; do expect_match "$name error" "$out" "$re"; done
	out=$(rt state "cgroups-err-$name" 2>&1) && fail "$name: state exists after the failed create"
	expect_eq "$name: cgroup dirs left" "$(cg_all_dirs "$CG_PREFIX/$name")" ""
}

case_cpus_refused() {
	try cpus '{"cpu": {"cpus": "99"}}' "cpuset.cpus" "'99'" "Invalid argument|Numerical result|No space"
}

case_quota_refused() {
	if [ "$CG_LAYOUT" = v2 ]; then
		try quota '{"cpu": {"quota": 5, "period": 100000}}' "cpu.max" "5 100000" "Invalid argument"
	else
		try quota '{"cpu": {"quota": 5, "period": 100000}}' "cpu.cfs_quota_us" "'5'" "Invalid argument"
	fi
}

# unified: v2 writes the keys verbatim; v1 has none; a hybrid host only for its v2 controllers.
case_unified() {
	case $CG_LAYOUT in
	v1) try unified '{"unified": {"memory.high": "max"}}' "unified.memory.high" "cgroup v1" ;;
	hybrid) try unified '{"unified": {"memory.high": "max"}}' "unified.memory.high" "hybrid" ;;
	v2)
		try unified '{"unified": {"memory.nosuchfile": "1"}}' "unified.memory.nosuchfile" "No such file"
		b=$TMP/unified-ok
		mkbundle "$b" '["sleep","100"]' '{"unified": {"memory.high": "50331648", "pids.max": "7"}}' || true
		if start cgroups-err-unified-ok "$b"; then
			expect_eq "unified memory.high" "$(cg_read memory "$CG_PREFIX/unified-ok" memory.high)" 50331648
			expect_eq "unified pids.max" "$(cg_read pids "$CG_PREFIX/unified-ok" pids.max)" 7
		else
			fail "create with valid unified keys"
		fi
		;;
	esac
}

# A controller the host lacks is named.
case_missing_controller() {
	! has_ctrl net_cls || skip_case "this host has net_cls"
	try netcls '{"network": {"classID": 1048577}}' "net_cls"
}

# A cgroupsPath that climbs out with ".." is refused.
case_cgroups_path_dotdot() {
	b=$TMP/dotdot
	mkbundle "$b" '["true"]' '{}' ".linux.cgroupsPath = \"$CG_PREFIX/../escape\"" || true
	out=$(rt create --bundle "$b" cgroups-err-dotdot </dev/null 2>&1) && fail "cgroupsPath with .. accepted"
	expect_match "cgroupsPath error" "$out" "cgroupsPath.*\\.\\."
}

# Control: the same bundle with a valid CPU list creates, so the failures above are the values.
case_control() {
	b=$TMP/control
	mkbundle "$b" '["sleep","100"]' '{"cpu": {"cpus": "0"}}' || true
	start cgroups-err-control "$b" && ok "control container created" || fail "control container"
}

lib_run_cases "$@"
