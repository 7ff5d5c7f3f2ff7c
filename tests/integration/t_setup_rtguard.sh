#!/bin/bash
# No real-time scheduling outside the admission ledger (issue 21, item 3): a container granted
# CAP_SYS_NICE but no process.scheduler cannot make itself SCHED_FIFO, SCHED_RR or
# SCHED_DEADLINE (runc 1.1.5 lets it), still may pick SCHED_BATCH/OTHER; an admitted DEADLINE
# container cannot raise its own runtime; annotation org.rtrun.sched.guard "false" opts out.
# The policy is read back in the container (sched_getscheduler) and from the host (chrt).
# Named t_setup_*: the guard is container set-up (seccomp), the same on every cgroup layout, so
# the host runs it and the VM lanes (slow under emulation) leave it out.
# Named cases (lib.sh): bash t_setup_rtguard.sh --list; bash t_setup_rtguard.sh NAME...
set -u
. "$(dirname "$0")/rt_lib.sh"
rt_init rtguard
SCHEDSET=$RTRUN_BUILD/tests/helpers/schedset
[ -x "$SCHEDSET" ] || { echo "SKIP: $SCHEDSET is not built"; exit 77; }
[ -r /proc/sys/kernel/sched_deadline_period_max_us ] || { echo "SKIP: no SCHED_DEADLINE"; exit 77; }

nice_bundle() { # DIR ARGS...: busybox + schedset, CAP_SYS_NICE in every set
  local dir=$1
  shift
  rt_bundle "$dir" "$@"
  cp "$SCHEDSET" "$dir/rootfs/bin/schedset"
  bundle_set "$dir" '.process.capabilities |= with_entries(.value += ["CAP_SYS_NICE"])'
}
# runs the bundle in the foreground, prints the container's stdout on one line
run_out() { # ID DIR
  rt run --bundle "$2" "$1" 2>"$TMP/$1.err" | tr '\n' ' ' | sed 's/ $//'
  rt delete -f "$1" >/dev/null 2>&1
}

DL="deadline 1000000 10000000 10000000"
case_refuses_without_reservation() {
  nice_bundle "$CASE_TMP/u" schedset $DL
  check "CAP_SYS_NICE, no reservation: sched_setattr DEADLINE refused" "error EPERM policy 0" \
    "$(run_out g-dl "$CASE_TMP/u")"
  bundle_set "$CASE_TMP/u" '.process.args = ["schedset", "fifo", "10"]'
  check "CAP_SYS_NICE, no reservation: sched_setscheduler FIFO refused" "error EPERM policy 0" \
    "$(run_out g-fifo "$CASE_TMP/u")"
  bundle_set "$CASE_TMP/u" '.process.args = ["schedset", "rr", "10"]'
  check "CAP_SYS_NICE, no reservation: sched_setscheduler RR refused" "error EPERM policy 0" \
    "$(run_out g-rr "$CASE_TMP/u")"
  bundle_set "$CASE_TMP/u" '.process.args = ["schedset", "param", "10"]'
  check "sched_setparam refused" "error EPERM policy 0" "$(run_out g-param "$CASE_TMP/u")"
  bundle_set "$CASE_TMP/u" '.process.args = ["schedset", "batch"]'
  check "SCHED_BATCH still allowed" "ok policy 3" "$(run_out g-batch "$CASE_TMP/u")"
}

# The same DEADLINE request with the guard switched off is granted: the refusal above is the
# guard's, not the kernel's.
case_annotation_switches_off() {
  nice_bundle "$CASE_TMP/u" schedset $DL
  bundle_set "$CASE_TMP/u" ".process.args = [\"schedset\", $(echo "$DL" | jq -R 'split(" ") | .[]' | paste -sd,)]
  | .annotations[\"org.rtrun.sched.guard\"] = \"false\""
  check "org.rtrun.sched.guard false: the same request is granted" "ok policy 6" \
    "$(run_out g-off "$CASE_TMP/u")"
  bundle_set "$CASE_TMP/u" '.annotations["org.rtrun.sched.guard"] = "maybe"'
  rc=0
  rt run --bundle "$CASE_TMP/u" g-bad >/dev/null 2>"$TMP/bad.err" || rc=$?
  rt delete -f g-bad >/dev/null 2>&1
  check "a bad guard annotation is refused" "1" "$([ "$rc" -ne 0 ] && echo 1 || echo 0)"
  check_contains "the refusal names the annotation" "$(cat "$TMP/bad.err")" 'annotations["org.rtrun.sched.guard"]'
}

# runc 1.1.5 has no such guard: the container gets its DEADLINE reservation behind the
# ledger's back.
case_runc_has_no_guard() {
  command -v runc >/dev/null || skip_case "runc is not installed"
  nice_bundle "$CASE_TMP/r" schedset $DL
  bundle_set "$CASE_TMP/r" 'del(.linux.resources.cpu)'
  out=$(runc --root "$CASE_TMP/runc" run --bundle "$CASE_TMP/r" g-runc-$$ 2>&1 | tr '\n' ' ' | sed 's/ $//')
  runc --root "$CASE_TMP/runc" delete -f g-runc-$$ >/dev/null 2>&1
  if [[ $out == ok* || $out == error* ]]; then
    check "runc 1.1.5 grants the same request (no guard: rtrun differs on purpose)" "ok policy 6" "$out"
  else
    echo "# runc could not run the bundle here: $out"
  fi
}

# An admitted DEADLINE container (1 ms every 100 ms on CPU $LAST) tries to raise itself to
# 10 ms every 20 ms: refused, and the host still sees the admitted parameters. rtrun's default
# cgroup path: on v2 its CPU set's partition /rtrun-rt-$LAST.
case_admitted_cannot_raise() {
  nice_bundle "$CASE_TMP/a" sh
  bundle_set "$CASE_TMP/a" ".process.scheduler = {\"policy\": \"SCHED_DEADLINE\", \"runtime\": 1000000,
    \"deadline\": 100000000, \"period\": 100000000}
  | .process.args = [\"sh\", \"-c\", \"exec schedset deadline 10000000 20000000 20000000 --hold >/tmp/out\"]
  | .root.readonly = false
  | .linux.resources.cpu = {\"cpus\": \"$LAST\", \"mems\": \"0\"}
  | del(.linux.cgroupsPath)"
  export RTRUN_ADMISSION_DIR=$TMP/ledger
  rt_run_retry run -d --bundle "$CASE_TMP/a" g-adm >/dev/null
  pid=$(rt state g-adm | jq -r .pid)
  # schedset is the container's process itself: it holds the reservation when it asks for more.
  for _ in $(seq 50); do [ -s "$CASE_TMP/a/rootfs/tmp/out" ] && break; sleep 0.1; done
  check "an admitted DEADLINE container cannot raise its own runtime" "error EPERM policy 6" \
    "$(tr '\n' ' ' <"$CASE_TMP/a/rootfs/tmp/out" | sed 's/ $//')"
  check_contains "the host still sees the admitted 1 ms / 100 ms" "$(chrt_of "$pid")" \
    "1000000/100000000/100000000"
  # exec into the real-time container still works (its own DEADLINE policy applied before the
  # guard), and the exec'd process is guarded too.
  cat >"$TMP/p.json" <<EOF
{"args": ["schedset", "fifo", "5"], "cwd": "/", "env": ["PATH=/bin"],
 "capabilities": {"bounding": ["CAP_SYS_NICE"], "effective": ["CAP_SYS_NICE"], "permitted": ["CAP_SYS_NICE"]},
 "scheduler": {"policy": "SCHED_DEADLINE", "runtime": 1000000, "deadline": 100000000, "period": 100000000}}
EOF
  check "exec with its own DEADLINE scheduler runs DEADLINE and cannot switch to FIFO" \
    "error EPERM policy 6" "$(rt exec --process "$TMP/p.json" g-adm 2>"$TMP/exec.err" | tr '\n' ' ' | sed 's/ $//')"
  rt delete -f g-adm >/dev/null 2>&1
}

case_features_advertises() {
  check "features advertises the guard" "true" \
    "$("$RTRUN" features | jq -r '.annotations["org.rtrun.sched.guard"]')"
}

lib_run_cases "$@"
