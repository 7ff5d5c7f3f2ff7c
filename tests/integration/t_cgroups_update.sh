#!/bin/bash
# `update` changes a running container's limits (flags with sizes, --resources from a file and
# from stdin), `events --stats` reports them in runc's shape, `events` reports an OOM kill; a
# rejected value names the file, the value and the errno and changes nothing else.
set -uo pipefail
# Named cases (lib.sh): bash t_cgroups_update.sh --list; bash t_cgroups_update.sh NAME...
. "${RTRUN_SRC:?}/tests/integration/cgroups_lib.sh"
cgt_init upd

rt_budget_prefix() {
	echo 100000 2>/dev/null >"$(cg_dir cpu "${CG_PREFIX%/*}")/cpu.rt_runtime_us" &&
		echo 100000 2>/dev/null >"$(cg_dir cpu "$CG_PREFIX")/cpu.rt_runtime_us"
}

# Every case starts with cgroups-upd running `sleep 1000` (cgroup $p) under its limits.
case_setup() {
	b=$CASE_TMP/upd
	# RT group scheduling (v1 with CONFIG_RT_GROUP_SCHED): the update below asks for RT time, which
	# the ancestors must hold first (a new group has none).
	rt_ok=0
	if [ "$CG_LAYOUT" != v2 ] && [ -e "$(cg_dir cpu /)/cpu.rt_runtime_us" ]; then
		mkdir -p "$(cg_dir cpu "$CG_PREFIX")"
		# The previous case's group, removed a moment ago, keeps its RT time until the kernel
		# frees it (after an RCU grace period): retry for a while.
		wait_until 10 rt_budget_prefix && rt_ok=1
	fi
	res='{"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rwm"}], "memory": {"limit": 33554432}, "pids": {"limit": 50}}'
	mkbundle "$b" '["sleep","1000"]' "$res" || exit 1
	start cgroups-upd "$b" || {
		fail "start"
		exit 1
	}
	p=$CG_PREFIX/upd
	memfile=memory.limit_in_bytes cpufile=cpu.shares
	[ "$CG_LAYOUT" = v2 ] && memfile=memory.max cpufile=cpu.weight
}

# Acceptance: update --memory 64M, then events --stats shows the new limit.
case_memory_and_stats() {
	rt update --memory 64M cgroups-upd || fail "update --memory 64M"
	expect_eq "$memfile after --memory 64M" "$(cg_read memory "$p" $memfile)" 67108864
	stats=$(rt events --stats cgroups-upd)
	expect_eq "events --stats type" "$(jq -r .type <<<"$stats")" stats
	expect_eq "events --stats id" "$(jq -r .id <<<"$stats")" cgroups-upd
	expect_eq "events --stats memory.usage.limit" "$(jq -r .data.memory.usage.limit <<<"$stats")" 67108864
	expect_eq "events --stats pids.limit" "$(jq -r .data.pids.limit <<<"$stats")" 50
	expect_eq "events --stats pids.current" "$(jq -r .data.pids.current <<<"$stats")" 1
	expect_match "events --stats cpu usage" "$(jq -r .data.cpu.usage.total <<<"$stats")" '^[0-9]+$'
	jq -e '.data.memory.raw | length > 0' <<<"$stats" >/dev/null && ok "memory.raw present" || fail "no memory.raw: $stats"
	jq -e '.data | has("blkio") and has("hugetlb")' <<<"$stats" >/dev/null && ok "blkio and hugetlb present" ||
		fail "blkio/hugetlb missing: $stats"
}

# runc's individual flags.
case_flags() {
	rt update --cpu-shares 256 --cpu-quota 20000 --cpu-period 100000 --pids-limit 9 \
		--memory-reservation 16M --cpuset-cpus 0 cgroups-upd || fail "update with flags"
	expect_eq "pids.max after --pids-limit 9" "$(cg_read pids "$p" pids.max)" 9
	expect_eq "cpuset.cpus after --cpuset-cpus 0" "$(cg_read cpuset "$p" cpuset.cpus)" 0
	if [ "$CG_LAYOUT" = v2 ]; then
		expect_eq "cpu.weight after --cpu-shares 256" "$(cg_read cpu "$p" cpu.weight)" $((1 + (256 - 2) * 9999 / 262142))
		expect_eq "cpu.max" "$(cg_read cpu "$p" cpu.max)" "20000 100000"
		expect_eq "memory.low after --memory-reservation 16M" "$(cg_read memory "$p" memory.low)" 16777216
	else
		expect_eq "cpu.shares" "$(cg_read cpu "$p" cpu.shares)" 256
		expect_eq "cpu.cfs_quota_us" "$(cg_read cpu "$p" cpu.cfs_quota_us)" 20000
		[ $NO_SOFT_LIMIT = 1 ] ||
			expect_eq "memory.soft_limit_in_bytes" "$(cg_read memory "$p" memory.soft_limit_in_bytes)" 16777216
	fi
	expect_eq "memory limit untouched by the other flags" "$(cg_read memory "$p" $memfile)" 33554432
}

case_rt_budget() {
	[ $rt_ok = 1 ] || skip_case "no RT group scheduling on this host"
	rt update --cpu-rt-period 400000 --cpu-rt-runtime 30000 cgroups-upd || fail "update --cpu-rt-*"
	expect_eq "cpu.rt_period_us" "$(cg_read cpu "$p" cpu.rt_period_us)" 400000
	expect_eq "cpu.rt_runtime_us" "$(cg_read cpu "$p" cpu.rt_runtime_us)" 30000
}

case_kernel_memory_warns() {
	out=$(rt update --kernel-memory 8M cgroups-upd 2>&1) || fail "update --kernel-memory: $out"
	expect_match "--kernel-memory warns" "$out" "kernel-memory.*ignored"
}

# --resources from stdin and from a file; flags win over the file.
case_resources_file() {
	echo '{"pids": {"limit": 17}, "memory": {"limit": 50331648}}' |
		rt update --resources - cgroups-upd || fail "update --resources -"
	expect_eq "pids.max from stdin" "$(cg_read pids "$p" pids.max)" 17
	expect_eq "$memfile from stdin" "$(cg_read memory "$p" $memfile)" 50331648
	echo '{"pids": {"limit": 23}}' >"$TMP/r.json"
	rt update --resources "$TMP/r.json" --pids-limit 31 cgroups-upd || fail "update --resources FILE"
	expect_eq "pids.max (flag over file)" "$(cg_read pids "$p" pids.max)" 31
}

# blkio weight where the kernel has a weight file (CFQ/BFQ on v1, io.weight/io.bfq.weight on v2)
case_blkio_weight() {
	d=$(cg_dir blkio "$p")
	for f in blkio.weight blkio.bfq.weight io.weight io.bfq.weight; do
		[ -e "$d/$f" ] || continue
		rt update --blkio-weight 300 cgroups-upd || fail "update --blkio-weight"
		want=300
		[ $f = io.weight ] && want="default $((1 + (300 - 10) * 9999 / 990))"
		expect_match "$f after --blkio-weight 300" "$(cat "$d/$f")" "^(default )?${want#default }\$"
		break
	done
}

# The device rules of the config survive an update that does not name any.
case_device_rules_kept() {
	[ "$CG_LAYOUT" != v2 ] || skip_case "cgroup v2 has no devices.list to read back (eBPF)"
	rt update --pids-limit 9 cgroups-upd || fail "update --pids-limit 9"
	expect_match "devices.list keeps c 10:229" "$(cg_read devices "$p" devices.list)" "c 10:229 rwm"
}

# A value the kernel rejects: the error names the file, the value and the errno.
case_rejected_values() {
	cpus_before=$(cg_read cpuset "$p" cpuset.cpus)
	out=$(rt update --cpuset-cpus 99 cgroups-upd 2>&1) && fail "cpuset 99 accepted"
	expect_match "error for --cpuset-cpus 99" "$out" "cpuset.cpus.*99|99.*cpuset.cpus"
	expect_match "error carries the errno" "$out" "Invalid argument|Numerical result|No space"
	expect_eq "cpuset.cpus unchanged" "$(cg_read cpuset "$p" cpuset.cpus)" "$cpus_before"
	out=$(rt update --memory lots cgroups-upd 2>&1) && fail "--memory lots accepted"
	expect_match "error for --memory lots" "$out" "lots"
	expect_eq "status after the failed updates" "$(status_of cgroups-upd)" running
}

# A limit below memory the kernel cannot reclaim (tmpfs pages with no swap) is refused promptly
# on v1 (EBUSY) with the field, the value and the usage; v2 and hosts with swap may reclaim and
# take it. It must never hang.
case_limit_below_usage() {
	{ has_ctrl memory && [ "$CG_LAYOUT" != v2 ]; } || skip_case "refused only on v1 memory; v2 may reclaim"
	b3=$TMP/full
	mkbundle "$b3" '["sh","-c","dd if=/dev/zero of=/dev/shm/fill bs=1M count=24 2>/dev/null; touch /dev/shm/done; sleep 1000"]' \
		'{"memory": {"limit": 67108864}}' || return
	start cgroups-upd-full "$b3" || fail "start full"
	pid=$(jq -r .pid <<<"$(rt state cgroups-upd-full)")
	wait_until 60 test -e "/proc/$pid/root/dev/shm/done" || fail "the container did not fill /dev/shm"
	t0=$SECONDS
	out=$(timeout 60 "$RTRUN" --root "$ROOT" update --memory 8M cgroups-upd-full 2>&1)
	rc=$?
	[ $rc = 124 ] && fail "update --memory 8M below the usage hung" || ok "update below the usage returns ($((SECONDS - t0)) s)"
	if [ $rc != 0 ] && [ $rc != 124 ]; then
		expect_match "error names the field, the value and the usage" "$out" \
			"linux.resources.memory.limit: cannot set 8388608: the container uses [0-9]+ bytes"
		expect_eq "memory.limit_in_bytes unchanged" "$(cg_read memory "$CG_PREFIX/full" memory.limit_in_bytes)" 67108864
	fi
	rt delete --force cgroups-upd-full
}

# events: stats at the interval, and an OOM notification when a process is OOM-killed.
case_events_stats_and_oom() {
	b2=$TMP/oom
	mkbundle "$b2" '["sh","-c","while [ ! -e /tmp/go ]; do sleep 0.1; done; dd if=/dev/zero of=/dev/null bs=64M count=1; sleep 1000"]' \
		'{"memory": {"limit": 33554432}}' || return
	start cgroups-upd-oom "$b2" || fail "start oom"
	rt events --interval 200ms cgroups-upd-oom >"$TMP/events" 2>&1 &
	ev=$!
	wait_until 30 grep -q '"type":"stats"' "$TMP/events" && ok "events prints stats" || fail "no stats event"
	touch "$b2/rootfs/tmp/go"
	wait_until 60 grep -q '"type":"oom"' "$TMP/events" && ok "events reports the OOM kill" ||
		fail "no oom event: $(tail -n 3 "$TMP/events")"
	expect_eq "oom event id" "$(grep '"type":"oom"' "$TMP/events" | head -n1 | jq -r .id)" cgroups-upd-oom
	rt kill cgroups-upd-oom KILL
	wait_until 30 test ! -d /proc/$ev && ok "events ends with the container" || {
		fail "events still running after the container stopped"
		kill $ev
	}
	wait $ev 2>/dev/null
}

lib_run_cases "$@"
