#!/bin/bash
# rtprobe against the real kernel (on the host and in the VM lane): its JSON reports the
# SCHED_DEADLINE reservation it runs under; a budget the reservation cannot supply within the
# deadline is counted as misses, and with --dl-overrun the kernel's SIGXCPU as overruns; bad
# arguments are refused. No timing assertion: the miss case is forced by bandwidth (30 ms of CPU
# from 10 ms per 20 ms cannot finish within 35 ms, at most 2 x 10 ms fit in any 35 ms).
# Named cases (cases_lib.sh): bash t_lane_rtprobe.sh --list; bash t_lane_rtprobe.sh NAME...
set -euo pipefail
. "$(dirname "$0")/cases_lib.sh"
probe=${RTRUN_BUILD:?}/tests/helpers/rtprobe
[ -x "$probe" ] || { echo "rtprobe not built at $probe"; exit 77; }
command -v jq >/dev/null || { echo "jq missing (apt-get install jq)"; exit 77; }
command -v chrt >/dev/null || { echo "chrt missing (util-linux)"; exit 77; }
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
dl() { # RUNTIME_NS PERIOD_NS CMD... : run CMD as SCHED_DEADLINE (implicit deadline)
	local runtime=$1 period=$2
	shift 2
	chrt -d --sched-runtime "$runtime" --sched-deadline "$period" --sched-period "$period" 0 "$@"
}

# 1. Plain run: SCHED_OTHER, every activation accounted for.
case_plain() {
	out=$("$probe" --period 2ms --budget 100us --count 20 --json --name plain)
	jq -e '.name == "plain" and .activations == 20 and .sched.policy == "SCHED_OTHER"
	and .latency_ns.min <= .latency_ns.p99 and .latency_ns.p99 <= .latency_ns.max' <<<"$out" >/dev/null ||
		fail "plain run: $out"
}

# 2. Under a DEADLINE reservation that covers the budget: the probe sees it.
case_deadline() {
	out=$(dl 1000000 2000000 "$probe" --period 2ms --budget 200us --count 50 --json) ||
		fail "DEADLINE 1ms/2ms refused (bandwidth taken by something else?)"
	jq -e '.activations + .skipped == 50 and .sched.policy == "SCHED_DEADLINE" and .sched.runtime == 1000000
	and .sched.period == 2000000' <<<"$out" >/dev/null || fail "DEADLINE run: $out"
}

# 3. A budget larger than the reservation can give per deadline: all miss, SIGXCPU counted.
# (The runtime stays well above the 4 ms tick: the kernel notices overruns at ticks.)
case_overrun() {
	out=$(dl 10000000 20000000 "$probe" --period 50ms --deadline 35ms --budget 30ms --count 5 \
		--dl-overrun --json)
	jq -e '.activations + .skipped == 5 and .misses == 5 and .overruns >= 1 and .sched.flags == 4
	and .completion_ns.max > 35000000' <<<"$out" >/dev/null || fail "overrun run: $out"
	echo "overrun run: $(jq -c '{misses, overruns, completion_max_ms: (.completion_ns.max / 1e6)}' <<<"$out")"
}

# 4. Bad arguments: refused with a reason, exit 2.
case_bad_arguments() {
	for bad in "--period 1ms --budget 1ms --count 3" "--period 1ms --budget 10xs --count 3" \
		"--period 1ms --budget 100us" "--period 1ms --budget 100us --count 3 --name a\"b"; do
		rc=0
		# shellcheck disable=SC2086
		err=$("$probe" $bad 2>&1) || rc=$?
		[ $rc = 2 ] && [ -n "$err" ] || fail "rtprobe $bad: exit $rc, '$err'"
	done
}

run_cases "$@"
