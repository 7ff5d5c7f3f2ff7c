#!/bin/bash
# SCHED_FIFO containers: on cgroup v1 with RT group scheduling, realtimeRuntime/realtimePeriod
# become the container's cpu.rt_* with the parents raised for it and lowered again on delete;
# without a budget the refusal names the group. On v2 (no RT bandwidth control) FIFO still runs.
# Named cases (lib.sh): bash t_rt_fifo.sh --list; bash t_rt_fifo.sh NAME...
set -u
. "$(dirname "$0")/rt_lib.sh"
rt_init fifo

CPU_DIR=/sys/fs/cgroup/cpu
case_setup() {
  rt_bundle "$CASE_TMP/f" sleep 300
  bundle_set "$CASE_TMP/f" '.process.scheduler = {"policy": "SCHED_FIFO", "priority": 10}'
}
rt_groups() { [ -f "$CPU_DIR/cpu.rt_runtime_us" ]; }

# cgroup v2 or no CONFIG_RT_GROUP_SCHED: the policy alone.
case_policy_without_rt_groups() {
  rt_groups && skip_case "this host has RT group scheduling (the other cases)"
  rt run -d --bundle "$CASE_TMP/f" rt-fifo >/dev/null
  pid=$(rt state rt-fifo | jq -r .pid)
  out=$(chrt_of "$pid")
  check_contains "FIFO container runs SCHED_FIFO" "$out" "SCHED_FIFO"
  check_contains "FIFO priority 10" "$out" "priority: 10"
  rt delete -f rt-fifo >/dev/null 2>&1
}

# 1. without a budget the kernel refuses (rt_runtime 0 in a new group): explained.
case_no_budget_refused() {
  rt_groups || skip_case "no RT group scheduling (cpu.rt_runtime_us)"
  rc=0
  rt run -d --bundle "$CASE_TMP/f" rt-fifo-nobudget >/dev/null 2>"$TMP/nb.err" || rc=$?
  check "FIFO without realtimeRuntime refused" "1" "$([ "$rc" -ne 0 ] && echo 1 || echo 0)"
  check_contains "refusal names the RT group rule" "$(cat "$TMP/nb.err")" \
    "has cpu.rt_runtime_us 0, so no real-time task may run in it"

}

# 2. with a budget: the group gets it (period first), the parent is raised by its share.
# 3. delete lowers the parent again and forgets the raise.
case_budget_raises_parent() {
  rt_groups || skip_case "no RT group scheduling (cpu.rt_runtime_us)"
  parent=$CPU_DIR$CG_PREFIX
  bundle_set "$CASE_TMP/f" '.linux.resources.cpu = {"realtimeRuntime": 100000, "realtimePeriod": 1000000}'
  rt run -d --bundle "$CASE_TMP/f" rt-fifo >"$TMP/f.out" 2>&1 || cat "$TMP/f.out"
  pid=$(rt state rt-fifo | jq -r .pid)
  out=$(chrt_of "$pid")
  check_contains "FIFO container runs SCHED_FIFO" "$out" "SCHED_FIFO"
  check_contains "FIFO priority 10" "$out" "priority: 10"
  dir=$CPU_DIR$CG_PREFIX/f
  check "container cpu.rt_period_us" "1000000" "$(cat "$dir/cpu.rt_period_us")"
  check "container cpu.rt_runtime_us" "100000" "$(cat "$dir/cpu.rt_runtime_us")"
  check "parent raised by the container's share" "100000" "$(cat "$parent/cpu.rt_runtime_us")"
  check_contains "the raise is recorded for teardown" "$(cat /run/rtrun/rt/rtgroup)" "$parent"
  rt delete -f rt-fifo >/dev/null 2>&1
  check "parent lowered on delete" "0" "$(cat "$parent/cpu.rt_runtime_us")"
  check "no raise recorded for this test" "" "$(grep -s "$CG_PREFIX/" /run/rtrun/rt/rtgroup)"
}

lib_run_cases "$@"
