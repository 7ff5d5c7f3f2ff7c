#!/bin/bash
# checkpoint / restore with CRIU (docs/checkpoint.md): a busybox counter that goes on counting
# from its checkpointed value after restore, --leave-running, a restore into a new ID, pre-dump
# + dump, a SCHED_DEADLINE container restored with its parameters (chrt and `admission status`),
# a restore refused by admission that leaves nothing, and an error that leaves the container
# running. Runs in the VM lane (tests/vm/criu.list, t_vm_criu.sh): Debian's criu 3.17 cannot
# run on kernels it does not know (this host's 6.18 fails its vDSO check), so there only the
# `failure` case runs and the others skip naming criu's own error.
set -u
. "$(dirname "$0")/rt_lib.sh"
rt_init criu

command -v criu >/dev/null || { echo "SKIP: criu is not installed (apt-get install criu)"; exit 77; }
# criu check fails at its start when it cannot work with this kernel (kerndat).
CRIU_BROKEN=
if out=$(criu check 2>&1) && ! grep -q "Error" <<<"$out"; then :; else
  CRIU_BROKEN="criu $(criu --version | sed -n 's/Version: //p') cannot run on kernel $(uname -r): $(grep -m1 'Error' <<<"$out" | sed 's/^Error ([^)]*): //')"
fi
need_criu() { [ -z "$CRIU_BROKEN" ] || skip_case "$CRIU_BROKEN"; }
[ "${RTRUN_IN_VM:-}" = 1 ] && export RTRUN_ADMISSION_DIR=$TMP/ledger

# The counter writes i to /tmp/count (in its rootfs) every 0.2 s; its stdio is the
# container's own /dev/null, so criu needs nothing of the caller's.
COUNTER='exec </dev/null >/dev/null 2>&1; i=0; while true; do i=$((i+1)); echo $i >/tmp/count; sleep 0.2; done'
counter_bundle() { # DIR
  rt_bundle "$1" sh -c "$COUNTER"
  bundle_set "$1" ".root.readonly = false"
}
count() { cat "$1/rootfs/tmp/count" 2>/dev/null || echo 0; }
wait_count() { # DIR N: until the count reaches N (60 s under emulation)
  local i
  for i in $(seq 1 600); do
    [ "$(count "$1")" -ge "$2" ] && return 0
    sleep 0.1
  done
  return 1
}
# The first value written after $2 (polled every 20 ms: writes come every 200 ms).
next_count() { # DIR AFTER
  local i v
  for i in $(seq 1 3000); do
    v=$(count "$1")
    [ "$v" != "$2" ] && { echo "$v"; return 0; }
    sleep 0.02
  done
  echo "none"
}
exists() { rt state "$1" >/dev/null 2>&1 && echo present || echo absent; }
in_range() { [ "$2" != none ] && [ "$2" -gt "$1" ] && [ "$2" -le $(($1 + 2)) ] && echo yes || echo "no ($2 after $1)"; }

case_failure() {
  # Whatever criu's answer, a failed checkpoint leaves the container running and says why.
  local b=$CASE_TMP/b
  counter_bundle "$b"
  rt run -d --bundle "$b" cr-fail
  wait_count "$b" 2 || fail "the counter did not start"
  rc=0
  rt checkpoint --image-path "$CASE_TMP/img" --manage-cgroups-mode bogus cr-fail 2>"$CASE_TMP/err" || rc=$?
  check "a bad --manage-cgroups-mode is refused" 1 "$rc"
  check_contains "the refusal names the flag" "$(cat "$CASE_TMP/err")" "--manage-cgroups-mode"
  counter_bundle "$CASE_TMP/nb"
  rc=0
  rt restore --image-path "$CASE_TMP/none" --bundle "$CASE_TMP/nb" -d cr-none 2>"$CASE_TMP/err" || rc=$?
  check "restore without images fails" 1 "$rc"
  check_contains "and says there is no checkpoint" "$(cat "$CASE_TMP/err")" "no checkpoint there"
  check "a failed restore leaves no container" absent "$(exists cr-none)"
  check "and no cgroup" "" "$(ls -d /sys/fs/cgroup{,/*}"$CG_PREFIX"/nb 2>/dev/null)"
  [ -n "$CRIU_BROKEN" ] || { rt delete -f cr-fail; return; }
  rc=0
  rt checkpoint --image-path "$CASE_TMP/img" cr-fail 2>"$CASE_TMP/err" || rc=$?
  check "checkpoint fails where criu cannot run" 1 "$rc"
  check_contains "its error gives criu's reason" "$(cat "$CASE_TMP/err")" "criu dump failed"
  check "the container still runs" running "$(status_of cr-fail)"
  v=$(count "$b")
  check "and still counts" yes "$(wait_count "$b" $((v + 1)) && echo yes)"
  rt delete -f cr-fail
}

case_counter() {
  need_criu
  local b=$CASE_TMP/b img=$CASE_TMP/img
  counter_bundle "$b"
  rt run -d --bundle "$b" cr-count
  wait_count "$b" 3 || fail "the counter did not start"
  check_rc "checkpoint" 0 rt checkpoint --image-path "$img" cr-count
  check "checkpoint without --leave-running deletes the container" absent "$(exists cr-count)"
  v=$(count "$b")
  sleep 1
  check "nothing counts after the checkpoint" "$v" "$(count "$b")"
  check_rc "restore -d" 0 rt restore -d --bundle "$b" --image-path "$img" --pid-file "$CASE_TMP/pid" cr-count
  check "restored container runs" running "$(status_of cr-count)"
  pid=$(rt state cr-count | jq -r .pid)
  check "--pid-file holds the restored init's pid" "$pid" "$(cat "$CASE_TMP/pid")"
  n=$(next_count "$b" "$v")
  check "the restored counter continues from $v" yes "$(in_range "$v" "$n")"
  check_contains "ps lists the restored shell" "$(rt ps cr-count)" "$pid"
  check_rc "kill the restored container" 0 rt kill cr-count KILL
  wait_status cr-count stopped
  check "it stops" stopped "$(status_of cr-count)"
  check_rc "delete it" 0 rt delete cr-count
  check "its cgroup is gone" absent "$([ -d "/sys/fs/cgroup$CG_PREFIX/b" ] && echo present || echo absent)"
}

case_leave_running_new_id() {
  need_criu
  local b=$CASE_TMP/b img=$CASE_TMP/img
  counter_bundle "$b"
  rt run -d --bundle "$b" cr-orig
  wait_count "$b" 3 || fail "the counter did not start"
  check_rc "checkpoint --leave-running" 0 rt checkpoint --leave-running --image-path "$img" cr-orig
  check "the container still runs" running "$(status_of cr-orig)"
  v=$(count "$b")
  check "and still counts" yes "$(wait_count "$b" $((v + 2)) && echo yes)"
  rt delete -f cr-orig
  check_rc "restore into a new ID" 0 rt restore -d --bundle "$b" --image-path "$img" cr-new
  check "cr-new runs" running "$(status_of cr-new)"
  check "cr-orig stays deleted" absent "$(exists cr-orig)"
  v=$(count "$b")
  check "cr-new counts" yes "$(wait_count "$b" $((v + 2)) && echo yes)"
  check_rc "delete -f cr-new" 0 rt delete -f cr-new
}

case_predump() {
  need_criu
  local b=$CASE_TMP/b img=$CASE_TMP/img
  counter_bundle "$b"
  rt run -d --bundle "$b" cr-pre
  wait_count "$b" 3 || fail "the counter did not start"
  check_rc "checkpoint --pre-dump" 0 rt checkpoint --pre-dump --image-path "$img/1" cr-pre
  check "a pre-dump leaves it running" running "$(status_of cr-pre)"
  v=$(count "$b")
  check "and counting" yes "$(wait_count "$b" $((v + 1)) && echo yes)"
  check_rc "checkpoint --parent-path ../1" 0 rt checkpoint --image-path "$img/2" --parent-path ../1 cr-pre
  check "the dump ends it" absent "$(exists cr-pre)"
  check "the final images link to the pre-dump's" "../1" "$(readlink "$img/2/parent")"
  v=$(count "$b")
  check_rc "restore from pre-dump + dump" 0 rt restore -d --bundle "$b" --image-path "$img/2" cr-pre
  n=$(next_count "$b" "$v")
  check "the counter continues from $v" yes "$(in_range "$v" "$n")"
  rt delete -f cr-pre
}

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
  v=$(count "$b")
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
  n=$(next_count "$b" "$v")
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
