#!/bin/bash
# exec with process.execCPUAffinity: `final` is the exec'd process's affinity inside the
# container; `initial` alone is transient (the process ends up on the cgroup's CPUs); a bad
# list names the field.
# Named cases (lib.sh): bash t_rt_exec.sh --list; bash t_rt_exec.sh NAME...
set -u
. "$(dirname "$0")/rt_lib.sh"
rt_init exec
if [ "$NCPU" -lt 2 ]; then
  echo "SKIP: needs 2 CPUs"
  exit 77
fi
ALL="0-$LAST"
case_setup() {
  rt_bundle "$CASE_TMP/e" sleep 300
  rt run -d --bundle "$CASE_TMP/e" rt-exec >/dev/null
  check "container running" "running" "$(status_of rt-exec)"
}

proc() { # ARGS as JSON, AFFINITY as JSON
  cat >"$TMP/p.json" <<EOF2
{"args": ["sh", "-c", "grep Cpus_allowed_list /proc/self/status | cut -f2"], "cwd": "/",
 "env": ["PATH=/bin"], "execCPUAffinity": $1}
EOF2
}

case_final_applied() {
proc "{\"initial\": \"0\", \"final\": \"$LAST\"}"
check "final affinity applied" "$LAST" "$(rt exec --process "$TMP/p.json" rt-exec 2>&1)"
}

case_initial_is_transient() {
proc '{"initial": "0"}'
check "initial alone is transient: back to the cgroup's CPUs" "$ALL" \
  "$(rt exec --process "$TMP/p.json" rt-exec 2>&1)"
}

case_final_alone() {
proc '{"final": "0"}'
check "final alone" "0" "$(rt exec --process "$TMP/p.json" rt-exec 2>&1)"
}

case_impossible_list_refused() {
proc '{"initial": "999"}'
rc=0
out=$(rt exec --process "$TMP/p.json" rt-exec 2>&1) || rc=$?
check "an impossible initial list fails" "1" "$([ "$rc" -ne 0 ] && echo 1 || echo 0)"
check_contains "the error names execCPUAffinity" "$out" "execCPUAffinity"
}

lib_run_cases "$@"
