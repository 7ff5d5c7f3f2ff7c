#!/bin/bash
# checkpoint / restore with CRIU (docs/checkpoint.md): --leave-running, a restore into a new ID,
# and pre-dump + dump (--parent-path), each with a busybox counter that must go on from its
# checkpointed value. VM lane (tests/vm/criu.list, t_vm_criu.sh); on a kernel criu 3.17 cannot
# run on (this host's 6.18) the cases skip naming criu's own error.
set -u
. "$(dirname "$0")/rt_lib.sh"
rt_init criupre
. "$(dirname "$0")/criu_lib.sh"

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
  v=$(tail -n 1 "$b/rootfs/tmp/log") l=$(lines "$b")
  check_rc "restore from pre-dump + dump" 0 rt restore -d --bundle "$b" --image-path "$img/2" cr-pre
  n=$(next_count "$b" "$l")
  check "the counter continues from $v" yes "$(in_range "$v" "$n")"
  rt delete -f cr-pre
}

lib_run_cases "$@"
