#!/bin/bash
# create/start/state/kill/delete walk through runc's statuses; run prints output and exits with
# the container's code (128+N on signal N); the pid file is a bare integer.
# Named cases (lib.sh): bash t_core_lifecycle.sh --list; bash t_core_lifecycle.sh NAME...
source "$(dirname "$0")/lib.sh"
lib_init lifecycle

case_setup() {
  B=$CASE_TMP/b
  make_bundle "$B" echo hello from rtrun
}

case_run_output() {
  out=$(rt run -b "$B" core-run 2>&1)
  check "run prints the container's output" "hello from rtrun" "$out"
  check "run removes the container afterwards" "absent" "$(status_of core-run)"
  check "run --no-pivot (MS_MOVE + chroot) works too" "hello from rtrun" "$(rt run --no-pivot -b "$B" core-nopivot 2>&1)"
  bundle_set "$B" '.process.args = ["sh", "-c", "exit 42"]'
  check_rc "run exits with the container's exit code" 42 rt run -b "$B" core-exit
}

# create -> created, with the pid file and state fields; then start, kill, delete.
case_create_start_kill_delete() {
  bundle_set "$B" '.process.args = ["sleep", "1000"]'
  check_rc "create succeeds" 0 rt create -b "$B" --pid-file "$CASE_TMP/pid" core-c1
  check "state after create" created "$(status_of core-c1)"
  st=$(rt state core-c1)
  pid=$(jq -r .pid <<<"$st")
  check "pid file holds a bare integer equal to state.pid" "$pid" "$(cat "$CASE_TMP/pid")"
  check "pid file has no newline" "$(printf %s "$pid" | wc -c)" "$(wc -c <"$CASE_TMP/pid")"
  check "state.id" core-c1 "$(jq -r .id <<<"$st")"
  check "state.bundle" "$B" "$(jq -r .bundle <<<"$st")"
  check "state.rootfs" "$B/rootfs" "$(jq -r .rootfs <<<"$st")"
  check "state.ociVersion" 1.2.0 "$(jq -r .ociVersion <<<"$st")"
  created=$(jq -r .created <<<"$st")
  if [[ "$created" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}(Z|[+-][0-9]{2}:[0-9]{2})$ ]]; then
    pass "state.created is RFC3339 with nanoseconds ($created)"
  else
    fail "state.created is RFC3339 with nanoseconds: got '$created'"
  fi
  check "state has owner" true "$(jq 'has("owner")' <<<"$st")"
  check "created container's init is alive" 0 "$(kill -0 "$pid" 2>/dev/null; echo $?)"
  check "created container has not exec'd yet (pid 1 is still rtrun)" rtrun "$(cat /proc/$pid/comm)"
  check "init is in its own pid namespace as pid 1" "1" "$(awk '/^NSpid/ {print $3}' /proc/$pid/status)"

  check_rc "start succeeds" 0 rt start core-c1
  check "state after start" running "$(status_of core-c1)"
  check "the process exec'd" sleep "$(cat /proc/$pid/comm)"
  check_rc "start twice fails" 1 rt start core-c1
  check_contains "start twice says why" "$(cat "$TMP/last.err")" "running"
  check_rc "delete of a running container fails without --force" 1 rt delete core-c1
  check_contains "delete says it is not stopped" "$(cat "$TMP/last.err")" "not stopped"

  check_rc "kill KILL" 0 rt kill core-c1 KILL
  wait_status core-c1 stopped 5
  check "state after kill" stopped "$(status_of core-c1)"
  check "stopped state reports pid 0" 0 "$(rt state core-c1 | jq .pid)"
  check_rc "kill of a stopped container fails" 1 rt kill core-c1 KILL
  check_contains "kill says container not running" "$(cat "$TMP/last.err")" "container not running"
  check_rc "delete" 0 rt delete core-c1
  check "state after delete" absent "$(status_of core-c1)"
  check_contains "state of a deleted container says does not exist" \
    "$(rt state core-c1 2>&1)" "does not exist"
}

# SIGTERM is delivered when the process handles it; signal by number and by name.
case_kill_signals() {
  bundle_set "$B" '.process.args = ["sh", "-c", "trap \"exit 3\" TERM; while :; do sleep 0.05; done"]'
  "$RTRUN" --root "$ROOT" run -b "$B" core-term >/dev/null 2>&1 &
  runpid=$!
  wait_status core-term running 10
  sleep 0.2 # let sh install its trap
  rt kill core-term 15
  wait $runpid
  check "run exits with the code of the TERM trap (kill by number)" 3 "$?"

  bundle_set "$B" '.process.args = ["sleep", "1000"]'
  "$RTRUN" --root "$ROOT" run -b "$B" core-sig >/dev/null 2>&1 &
  runpid=$!
  wait_status core-sig running 10
  rt kill core-sig SIGKILL
  wait $runpid
  check "run exits 128+9 when the container is killed" 137 "$?"
  check "foreground run deletes its container" absent "$(status_of core-sig)"
}

# run forwards the signals it receives.
case_run_forwards_signals() {
  bundle_set "$B" '.process.args = ["sh", "-c", "trap \"exit 5\" USR1; while :; do sleep 0.05; done"]'
  "$RTRUN" --root "$ROOT" run -b "$B" core-fwd >/dev/null 2>&1 &
  runpid=$!
  wait_status core-fwd running 10
  sleep 0.2
  kill -USR1 $runpid
  wait $runpid
  check "run forwards SIGUSR1 to the container" 5 "$?"
}

# run --detach leaves a running container.
case_run_detach() {
  bundle_set "$B" '.process.args = ["sleep", "1000"]'
  check_rc "run --detach" 0 rt run -d -b "$B" --pid-file "$CASE_TMP/dpid" core-det
  check "detached container is running" running "$(status_of core-det)"
  check "detached pid file" "$(rt state core-det | jq -r .pid)" "$(cat "$CASE_TMP/dpid")"
  check_rc "delete --force of a running container" 0 rt delete --force core-det
  check "gone after delete --force" absent "$(status_of core-det)"
  check "no process left after delete --force" 0 "$(proc_gone "$(cat "$CASE_TMP/dpid")"; echo $?)"
}

# delete of a created (never started) container kills its init.
case_delete_created() {
  bundle_set "$B" '.process.args = ["sleep", "1000"]'
  check_rc "create for delete" 0 rt create -b "$B" --pid-file "$CASE_TMP/cpid" core-cdel
  check_rc "delete of a created container" 0 rt delete core-cdel
  check "its init is gone" 0 "$(proc_gone "$(cat "$CASE_TMP/cpid")"; echo $?)"
  check "its cgroup is gone" "" "$(cgroup_dirs "$CG_PREFIX/b")"
}

lib_run_cases "$@"
