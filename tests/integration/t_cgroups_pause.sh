#!/bin/bash
# pause stops a counter and shows "paused", resume continues it; kill --all and delete --force
# reach every process of the cgroup; nothing is left behind.
set -uo pipefail
# Named cases (lib.sh): bash t_cgroups_pause.sh --list; bash t_cgroups_pause.sh NAME...
. "${RTRUN_SRC:?}/tests/integration/cgroups_lib.sh"
cgt_init pause

# pause/resume of a counter, then delete --force of the paused container.
case_pause_resume() {
	b=$TMP/pause
	mkbundle "$b" '["sh","-c","i=0; while :; do i=$((i+1)); echo $i >/tmp/counter; sleep 0.05; done"]' '{}' || return
	start cgroups-pause "$b" || {
		fail "start"
		return
	}
	# Read without forking: the VM lane runs this under software emulation.
	counter() {
		local v=
		read -r v <"$b/rootfs/tmp/counter" 2>/dev/null
		echo "${v:-0}"
	}
	counter_above() {
		local v=
		read -r v <"$b/rootfs/tmp/counter" 2>/dev/null
		[ "${v:-0}" -gt "$1" ] 2>/dev/null
	}
	# What the freezer and the container's tasks look like, for a failure report.
	freezer_report() {
		local d pid
		d=$(cg_dir freezer "$p")
		echo "       counter: $(counter)"
		for f in freezer.state cgroup.freeze cgroup.events; do
			[ -e "$d/$f" ] && echo "       $f: $(tr '\n' ' ' <"$d/$f")"
		done
		for pid in $(cat "$d/cgroup.procs"); do
			echo "       pid $pid: $(grep -E '^(Name|State)' /proc/$pid/status 2>/dev/null | tr '\n' ' ')"
		done
	}
	wait_until 30 counter_above 3 || fail "the counter does not run"
	p=$CG_PREFIX/pause

	rt pause cgroups-pause || fail "pause"
	expect_eq "status after pause" "$(status_of cgroups-pause)" paused
	if [ "$CG_LAYOUT" = v2 ]; then
		expect_eq cgroup.freeze "$(cg_read freezer "$p" cgroup.freeze)" 1
		expect_match cgroup.events "$(cg_read freezer "$p" cgroup.events)" "frozen 1"
	else
		expect_eq freezer.state "$(cg_read freezer "$p" freezer.state)" FROZEN
	fi
	c1=$(counter)
	sleep 1
	expect_eq "counter while paused" "$(counter)" "$c1"
	out=$(rt pause cgroups-pause 2>&1) && fail "pausing a paused container succeeded"
	out=$(rt resume cgroups-pause 2>&1) || fail "resume: $out"
	expect_eq "status after resume" "$(status_of cgroups-pause)" running
	if wait_until 30 counter_above "$c1"; then
		ok "the counter continues after resume"
	else
		fail "the counter stays at $c1 after resume"
		freezer_report
	fi
	out=$(rt resume cgroups-pause 2>&1) && fail "resuming a running container succeeded"
	expect_match "resume of a running container" "$out" "not paused"

	# delete --force of a paused container thaws and kills it, and removes its cgroup.
	rt pause cgroups-pause || fail "pause again"
	rt delete --force cgroups-pause || fail "delete --force of a paused container"
	expect_eq "cgroup dirs of the deleted container" "$(cg_all_dirs "$p")" ""
}

# kill --all reaches processes that are not init's direct concern.
case_kill_all() {
	b2=$TMP/killall
	mkbundle "$b2" '["sh","-c","sleep 1000 & sleep 1000 & trap \"\" TERM; while :; do sleep 1; done"]' '{}' || return
	start cgroups-killall "$b2" || fail "start killall"
	p2=$CG_PREFIX/killall
	nprocs() { wc -l <"$(cg_dir pids "$p2")/cgroup.procs"; }
	at_least() { [ "$(nprocs)" -ge "$1" ]; }
	wait_until 30 at_least 3 || fail "the children do not start"
	rt kill --all cgroups-killall KILL || fail "kill --all"
	wait_until 30 test ! -s "$(cg_dir pids "$p2")/cgroup.procs" && ok "kill --all emptied the cgroup" ||
		fail "processes left: $(cat "$(cg_dir pids "$p2")/cgroup.procs")"
	rt delete --force cgroups-killall || fail "delete"
}

lib_run_cases "$@"
