#!/bin/bash
# exec in a DEADLINE container: the exec'd process holds a reservation of its own, bound after
# it started. However short it is, its exit status is rtrun exec's (a process that exited
# before the bind used to turn into "admission: process N of ID/exec-N is gone" and rc 1), and
# its ledger entry is gone with it.
# Named cases (lib.sh): bash t_rt_exec_status.sh --list; bash t_rt_exec_status.sh NAME...
set -u
. "$(dirname "$0")/rt_lib.sh"
rt_init execst
if ! grep -q SCHED_DEADLINE <(chrt -m 2>&1) || [ -z "$(cpuset_mount)" ]; then
  echo "SKIP: needs SCHED_DEADLINE and a cpuset controller"
  exit 77
fi
ID=rt-execst
case_setup() {
  rt_bundle "$CASE_TMP/d" sleep 300
  bundle_set "$CASE_TMP/d" '.process.scheduler = {"policy":"SCHED_DEADLINE","runtime":4000000,
    "deadline":10000000,"period":10000000}'" | .linux.resources.cpu = {\"cpus\": \"$DL_CPUS\", \"mems\": \"0\"}"
  if ! rt_run_retry run -d --bundle "$CASE_TMP/d" "$ID" >/dev/null; then
    fail "run -d the DEADLINE container"
    exit 1
  fi
  check "DEADLINE container running" "running" "$(status_of "$ID")"
}

# Short execs keep their exit status and leave no ledger entry behind.
case_short_execs() {
  declare -A rcs=()
  for i in $(seq 1 50); do
    rc=0
    rt exec "$ID" sh -c 'exit 3' 2>>"$TMP/exec.err" || rc=$?
    rcs[$rc]=$((${rcs[$rc]:-0} + 1))
  done
  summary=$(for k in "${!rcs[@]}"; do echo "rc $k x ${rcs[$k]}"; done | sort | tr '\n' ';')
  check "50 x exec sh -c 'exit 3': 50 x rc 3" "rc 3 x 50;" "$summary"
  check "no exec error printed" "" "$(head -c 300 "$TMP/exec.err")"
  rcs=()
  for i in $(seq 1 20); do
    rc=0
    rt exec "$ID" true 2>>"$TMP/exec.err" || rc=$?
    rcs[$rc]=$((${rcs[$rc]:-0} + 1))
  done
  summary=$(for k in "${!rcs[@]}"; do echo "rc $k x ${rcs[$k]}"; done | sort | tr '\n' ';')
  check "20 x exec true: 20 x rc 0" "rc 0 x 20;" "$summary"
  check "no exec entry left in the ledger, dead or alive" "" \
    "$("$RTRUN" admission status --format json |
    jq -r --arg id "$ID" '.containers[] | select(.id | startswith($id + "/exec-")) | "\(.id) alive=\(.alive)"')"
  check "the container's own entry is still there" "true" \
    "$("$RTRUN" admission status --format json | jq -r --arg id "$ID" '.containers[] | select(.id == $id) | .alive')"
}

case_exec_runs_deadline() {
  check "the exec'd process ran DEADLINE" "6" \
    "$(rt exec "$ID" sh -c "sed -n 's/^policy *: *//p' /proc/self/sched" 2>&1)"
}

lib_run_cases "$@"
