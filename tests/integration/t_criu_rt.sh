#!/bin/bash
# checkpoint / restore of a SCHED_DEADLINE container (docs/checkpoint.md): --leave-running keeps
# its policy and reservation, a restore gets its runtime/deadline/period back (chrt, `admission
# status`), its CPU and partition; a restore that no longer fits is refused by admission before
# any process is restored and leaves no process, cgroup or reservation. VM lane only
# (tests/vm/criu.list, t_vm_criu.sh).
set -u
. "$(dirname "$0")/rt_lib.sh"
rt_init criurt
. "$(dirname "$0")/criu_lib.sh"

# DEADLINE 2/10/10 ms on the last CPU, with rt/'s default partition (no cgroupsPath).
dl_counter_bundle() { # DIR RUNTIME
  counter_bundle "$1"
  bundle_set "$1" "del(.linux.cgroupsPath)
    | .process.scheduler = {\"policy\":\"SCHED_DEADLINE\",\"runtime\":$2,\"deadline\":10000000,\"period\":10000000}
    | .linux.resources.cpu = {\"cpus\": \"$LAST\", \"mems\": \"0\"}"
}
ledger_of() { # ID: "runtime/deadline/period alive" of its reservation, or none
  rt admission status --format json | jq -r --arg id "$1" \
    '[.containers[] | select(.id == $id) | "\(.granted_runtime // .runtime)/\(.deadline)/\(.period) \(.alive)"][0] // "none"'
}

dl_needs() {
  need_criu
  [ "${RTRUN_IN_VM:-}" = 1 ] || skip_case "DEADLINE partitions are left to the VM lane"
  [ -n "$(cpuset_mount)" ] || skip_case "no cpuset controller"
}

case_deadline() {
  dl_needs
  local b=$CASE_TMP/b img=$CASE_TMP/img
  dl_counter_bundle "$b" 2000000
  rt_run_retry run -d --bundle "$b" cr-dl
  check "DEADLINE counter runs" running "$(status_of cr-dl)"
  wait_count "$b" 3 || fail "the counter did not start"
  pid=$(rt state cr-dl | jq -r .pid)
  before=$(chrt_of "$pid")
  check_contains "chrt: DEADLINE 2000000/10000000/10000000" "$before" "2000000/10000000/10000000"
  ledger=$(ledger_of cr-dl)
  echo "# ledger before: $ledger"
  check_rc "checkpoint --leave-running keeps DEADLINE" 0 rt checkpoint --leave-running --image-path "$img/keep" cr-dl
  check "after --leave-running: same policy and parameters" "$before" "$(chrt_of "$pid")"
  check "after --leave-running: the reservation is unchanged" "$ledger" "$(ledger_of cr-dl)"
  check_rc "checkpoint" 0 rt checkpoint --image-path "$img/final" cr-dl
  check "the dump ended the container and released its reservation" "absent none" "$(exists cr-dl) $(ledger_of cr-dl)"
  v=$(tail -n 1 "$b/rootfs/tmp/log") l=$(lines "$b")
  check_rc "restore" 0 rt restore -d --bundle "$b" --image-path "$img/final" cr-dl
  pid=$(rt state cr-dl | jq -r .pid)
  after=$(chrt_of "$pid")
  echo "# chrt after restore: $after"
  check_contains "restored: chrt shows SCHED_DEADLINE" "$after" "SCHED_DEADLINE"
  check_contains "restored: 2000000/10000000/10000000" "$after" "2000000/10000000/10000000"
  check "restored: the ledger holds the same reservation again" "$ledger" "$(ledger_of cr-dl)"
  check "restored: its CPU" "$LAST" "$(taskset -pc "$pid" | sed 's/.*: //')"
  part=$(dirname "$(sed -n 's/^0:://p' "/proc/$pid/cgroup")")
  check "restored: in the CPU's partition" root "$(cat "/sys/fs/cgroup$part/cpuset.cpus.partition" 2>/dev/null)"
  n=$(next_count "$b" "$l")
  check "restored: the counter continues from $v" yes "$(in_range "$v" "$n")"
  check_rc "delete -f" 0 rt delete -f cr-dl
  check "delete releases it" none "$(ledger_of cr-dl)"
}

case_refused() {
  dl_needs
  local b=$CASE_TMP/b img=$CASE_TMP/img h=$CASE_TMP/hog
  dl_counter_bundle "$b" 3000000
  rt_run_retry run -d --bundle "$b" cr-ref
  wait_count "$b" 2 || fail "the counter did not start"
  check_rc "checkpoint" 0 rt checkpoint --image-path "$img" cr-ref
  # The CPU taken meanwhile: 8 of every 10 ms leaves no room for 3.
  rt_bundle "$h" sleep 600
  bundle_set "$h" "del(.linux.cgroupsPath)
    | .process.scheduler = {\"policy\":\"SCHED_DEADLINE\",\"runtime\":8000000,\"deadline\":10000000,\"period\":10000000}
    | .linux.resources.cpu = {\"cpus\": \"$LAST\", \"mems\": \"0\"}"
  rt_run_retry run -d --bundle "$h" cr-hog
  check "the hog runs" running "$(status_of cr-hog)"
  v=$(count "$b")
  rc=0
  rt restore -d --bundle "$b" --image-path "$img" cr-ref 2>"$CASE_TMP/err" || rc=$?
  echo "# refusal: $(cat "$CASE_TMP/err")"
  check "restore refused" 1 "$rc"
  check_contains "the refusal gives admission's reason" "$(cat "$CASE_TMP/err")" "admission"
  check "no container left" absent "$(exists cr-ref)"
  check "no reservation left" none "$(ledger_of cr-ref)"
  check "no cgroup left" "" "$(find /sys/fs/cgroup -name cr-ref -type d 2>/dev/null)"
  sleep 1
  check "no process restored (the count stays $v)" "$v" "$(count "$b")"
  rt delete -f cr-hog
  check_rc "once the hog is gone the restore is admitted" 0 rt restore -d --bundle "$b" --image-path "$img" cr-ref
  check "restored after all" running "$(status_of cr-ref)"
  rt delete -f cr-ref
}

lib_run_cases "$@"
