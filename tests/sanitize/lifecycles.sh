#!/bin/bash
# Real lifecycles for the sanitizer lane (lane.sh runs it with RTRUN = the ASan+UBSan build):
# every command on the common paths, a refused config, and a SCHED_DEADLINE container where
# the host can run one. The lane fails on any sanitizer report these processes write; this
# script checks that the lifecycles themselves worked.
source "$(dirname "$0")/../integration/rt_lib.sh"
rt_init sanitize

check_rc "list with an empty root" 0 rt list
check_rc "list --format json with an empty root" 0 rt list --format json
check_rc "spec" 0 "$RTRUN" spec --bundle "$TMP"
check_rc "features" 0 "$RTRUN" features

B=$TMP/b
rt_bundle "$B" sleep 1000
check_rc "create" 0 rt create -b "$B" san-a
check "created" created "$(status_of san-a)"
check_rc "start" 0 rt start san-a
check "running" running "$(status_of san-a)"
check_rc "list" 0 rt list
check_rc "ps" 0 rt ps san-a
check "exec prints" "hi" "$(rt exec san-a echo hi 2>&1)"
check_rc "exec exit status 3" 3 rt exec san-a sh -c 'exit 3'
echo '{"args": ["sh", "-c", "exit 4"], "cwd": "/", "env": ["PATH=/bin"]}' >"$TMP/p.json"
check_rc "exec --process exit status 4" 4 rt exec --process "$TMP/p.json" san-a
check_rc "exec -d" 0 rt exec -d san-a sleep 1
check_rc "update --pids-limit" 0 rt update --pids-limit 50 san-a
check_rc "pause" 0 rt pause san-a
check "paused" paused "$(status_of san-a)"
check_rc "resume" 0 rt resume san-a
check_rc "events --stats" 0 rt events --stats san-a
check_rc "kill" 0 rt kill san-a KILL
wait_status san-a stopped 10
check "stopped" stopped "$(status_of san-a)"
check_rc "delete" 0 rt delete san-a
check "deleted" absent "$(status_of san-a)"

rt_bundle "$TMP/r" sh -c 'exit 7'
check_rc "run (foreground) gives the exit status" 7 rt run -b "$TMP/r" san-r
check "run leaves nothing" absent "$(status_of san-r)"
rt_bundle "$TMP/d" sleep 1000
check_rc "run -d" 0 rt run -d -b "$TMP/d" san-d
check_rc "delete --force" 0 rt delete --force san-d

bundle_set "$TMP/r" '.process.args = ["ech\u0000o"]'
check_rc "a refused config" 1 rt create -b "$TMP/r" san-bad
check_contains "names the field" "$(cat "$TMP/last.err")" "process.args[0]"

# SCHED_DEADLINE where the host has it (the CPU-set and admission code paths).
if [ -r /proc/sys/kernel/sched_deadline_period_max_us ] && [ "$NCPU" -ge 2 ] &&
  [ -n "$(cpuset_mount)" ] && [ "$(cpuset_mount)" != /sys/fs/cgroup ]; then
  rt_bundle "$TMP/dl" sleep 1000
  bundle_set "$TMP/dl" ".process.scheduler = {\"policy\": \"SCHED_DEADLINE\", \"runtime\": 1000000,
    \"deadline\": 10000000, \"period\": 10000000}
    | .linux.resources.cpu = {\"cpus\": \"$DL_CPUS\", \"mems\": \"0\"}"
  if rt_run_retry run -d -b "$TMP/dl" san-dl; then
    pass "run -d a DEADLINE container"
    check_contains "its policy" "$(chrt_of "$(rt state san-dl | jq -r .pid)")" SCHED_DEADLINE
    check_rc "ps in it" 0 rt ps san-dl
    check_rc "admission status" 0 "$RTRUN" admission status
    check_rc "delete --force" 0 rt delete --force san-dl
  else
    fail "run -d a DEADLINE container: $(tail -c 300 "$TMP/retry.err")"
  fi
else
  echo "note: no SCHED_DEADLINE container here (needs SCHED_DEADLINE, 2 CPUs, a v1 cpuset)"
fi

lib_done
