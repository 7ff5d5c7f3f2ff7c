#!/bin/bash
# Commands on one container ID are serialised by the state directory's lock; commands on other
# IDs are not held up by it.
# Named cases (lib.sh): bash t_core_lock.sh --list; bash t_core_lock.sh NAME...
source "$(dirname "$0")/lib.sh"
lib_init lock

case_create_start_serialised() {
  B=$CASE_TMP/b
  make_bundle "$B" sleep 1000
  # The createRuntime hook keeps create (and its lock) busy until we remove the gate file.
  touch "$CASE_TMP/gate"
  bundle_set "$B" ".hooks.createRuntime = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"while [ -e $CASE_TMP/gate ]; do sleep 0.05; done; touch $CASE_TMP/hook-done\"]}]"
  "$RTRUN" --root "$ROOT" create -b "$B" core-l1 >"$CASE_TMP/create.out" 2>&1 &
  cpid=$!
  wait_until 10 test -d "$ROOT/core-l1"
  check "state during create says creating" creating "$(status_of core-l1)"

  # start must wait for create's lock: if it did not, it would see "creating" and fail.
  "$RTRUN" --root "$ROOT" start core-l1 >"$CASE_TMP/start.out" 2>&1 &
  spid=$!

  # Meanwhile another ID goes through its whole lifecycle.
  B2=$CASE_TMP/b2
  make_bundle "$B2" true
  check_rc "another ID is not blocked by the lock of core-l1" 0 rt run -b "$B2" core-l2
  check "core-l1's create is still held up" absent "$(test -e "$CASE_TMP/hook-done" && echo done || echo absent)"
  check "start of core-l1 is still waiting" 0 "$(kill -0 $spid 2>/dev/null; echo $?)"

  rm "$CASE_TMP/gate"
  wait $cpid
  check "create finished" 0 "$?"
  wait $spid
  check "start, serialised after create, succeeded" "0 " "$? $(cat "$CASE_TMP/start.out")"
  check "running" running "$(status_of core-l1)"
}

# Concurrent deletes of one container: exactly one succeeds, the other finds it gone.
case_concurrent_deletes() {
  B=$CASE_TMP/b
  make_bundle "$B" sleep 1000
  check_rc "run -d core-l1" 0 rt run -d -b "$B" core-l1
  rt kill core-l1 KILL
  wait_status core-l1 stopped 5
  "$RTRUN" --root "$ROOT" delete core-l1 >"$CASE_TMP/d1.out" 2>&1 &
  d1=$!
  "$RTRUN" --root "$ROOT" delete core-l1 >"$CASE_TMP/d2.out" 2>&1 &
  d2=$!
  wait $d1
  r1=$?
  wait $d2
  r2=$?
  check "of two concurrent deletes one succeeds, one fails" "0 1" "$(printf '%s\n' $r1 $r2 | sort | tr '\n' ' ' | sed 's/ $//')"
  check_contains "the loser finds it gone" "$(cat "$CASE_TMP/d1.out" "$CASE_TMP/d2.out")" "does not exist"
  check "deleted" absent "$(status_of core-l1)"
}

lib_run_cases "$@"
