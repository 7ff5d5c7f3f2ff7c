#!/bin/bash
# Limits proven by behaviour inside real containers: a memory limit OOM-kills, a pids limit makes
# fork fail, a cpuset is the container's affinity. Each has a control run that must pass, so a
# limit that is not enforced fails the test.
set -uo pipefail
# Named cases (lib.sh): bash t_cgroups_limits.sh --list; bash t_cgroups_limits.sh NAME...
. "${RTRUN_SRC:?}/tests/integration/cgroups_lib.sh"
cgt_init lim

run_in() { # run_in NAME ARGS_JSON RESOURCES_JSON: foreground run; prints output, returns status
	local b=$TMP/$1
	rm -rf "$b"
	mkbundle "$b" "$2" "$3" || return 99
	rt run --bundle "$b" "cgroups-lim-$1" </dev/null 2>&1
}

# Memory: dd's 64 MiB buffer cannot fit in 32 MiB without swap (swap = limit: none allowed).
case_memory_oom() {
	hog='["sh","-c","dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null && echo survived"]'
	mem() { jq -n --argjson l "$1" '{memory: {limit: $l, swap: $l}}'; }
	swapless=$(mem 33554432)
	if [ "$CG_LAYOUT" != v2 ] && [ ! -e "$(cg_dir memory /)/memory.memsw.limit_in_bytes" ]; then
		swapless=$(jq -n '{memory: {limit: 33554432}}')
	fi
	out=$(run_in oom "$hog" "$swapless")
	rc=$?
	expect_eq "exit status of the 32M container (SIGKILL by the OOM killer)" "$rc" 137
	[[ $out == *survived* ]] && fail "the 64M allocation survived a 32M limit"
	out=$(run_in nooom "$hog" "$(mem 268435456)")
	rc=$?
	expect_eq "exit status of the 256M control" "$rc" 0
	expect_match "control output" "$out" survived
}

# pids: busybox sh gives up with "can't fork" once pids.max is reached.
case_pids() {
	forker='["sh","-c","for i in 1 2 3 4 5 6 7 8 9 10; do sleep 1 & done; echo forked-all"]'
	out=$(run_in pids "$forker" '{"pids": {"limit": 5}}')
	expect_match "output with pids.limit 5" "$out" "can't fork"
	[[ $out == *forked-all* ]] && fail "10 forks passed a pids limit of 5"
	out=$(run_in pidsok "$forker" '{"pids": {"limit": 100}}')
	expect_match "output with pids.limit 100" "$out" "forked-all"
}

# cpuset: the allowed CPUs inside are exactly the configured set.
case_cpuset() {
	show='["sh","-c","grep Cpus_allowed_list /proc/self/status"]'
	for c in 0 $(($(nproc) - 1)); do
		out=$(run_in "cpus$c" "$show" "$(jq -n --arg c "$c" '{cpu: {cpus: $c, mems: "0"}}')")
		expect_match "affinity with cpus=$c" "$out" "Cpus_allowed_list:[[:space:]]+$c\$"
	done
}

lib_run_cases "$@"
