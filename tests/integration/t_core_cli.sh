#!/bin/bash
# The command line as clients use it: help and version, list/ps formats, JSON logs with the
# error entry containerd reads and the warnings library code raises, the "does not exist" /
# "container not running" messages, spec and features.
# Named cases (lib.sh): bash t_core_cli.sh --list; bash t_core_cli.sh NAME...
source "$(dirname "$0")/lib.sh"
lib_init cli

case_setup() {
  B=$CASE_TMP/b
  make_bundle "$B" sleep 1000
}

case_help_version() {
  check_rc "--version" 0 rt --version
  check_contains "--version names rtrun and the spec" "$(rt --version)" "spec: 1.2.0"
  for cmd in create start run state kill delete list ps exec spec features pause resume update events; do
    check_rc "$cmd --help exits 0" 0 rt "$cmd" --help
    check_contains "$cmd --help prints usage" "$(cat "$TMP/last.out")" "sage"
  done
  check_rc "unknown command fails" 1 rt no-such-command
  check_rc "unknown global option fails" 1 "$RTRUN" --no-such-option list
}

case_systemd_cgroup() {
  check_rc "--systemd-cgroup is accepted by list" 0 rt --systemd-cgroup list
  # The systemd driver (tested for real with systemd as PID 1 in t_vm_systemd.sh): a
  # cgroupsPath that is not "slice:prefix:name" is refused before anything is made, and so is a
  # create where no systemd answers.
  bundle_set "$B" '.linux.cgroupsPath = "/rtrun-test/core-sd"'
  check_rc "--systemd-cgroup refuses a cgroupfs path" 1 rt --systemd-cgroup create -b "$B" core-sd
  check_contains "--systemd-cgroup path message" "$(cat "$TMP/last.err")" 'slice:prefix:name'
  check "--systemd-cgroup bad path left nothing" absent "$(status_of core-sd)"
  bundle_set "$B" '.linux.cgroupsPath = "a--b.slice:rtrun:core-sd"'
  check_rc "--systemd-cgroup refuses a bad slice" 1 rt --systemd-cgroup create -b "$B" core-sd
  check_contains "--systemd-cgroup slice message" "$(cat "$TMP/last.err")" "a--b.slice"
  bundle_set "$B" 'del(.linux.cgroupsPath)'
  if [ "$(cat /proc/1/comm)" != systemd ]; then
    check_rc "--systemd-cgroup without systemd fails with a clear message" 1 rt --systemd-cgroup create -b "$B" core-sd
    check_contains "--systemd-cgroup message" "$(cat "$TMP/last.err")" "connect to systemd"
    check "--systemd-cgroup create left nothing" absent "$(status_of core-sd)"
  fi
}

case_missing_container() {
  for cmd in state start delete "kill" ps exec; do
    args=(core-missing)
    [ "$cmd" == exec ] && args=(core-missing true)
    check_rc "$cmd of a missing container fails" 1 rt "$cmd" "${args[@]}"
    check_contains "$cmd says 'does not exist'" "$(cat "$TMP/last.err")" "container core-missing does not exist"
  done
}

# JSON log: one object per line; the error is logged at level error with an RFC3339 time.
case_log_json_error() {
  log=$CASE_TMP/log.json
  check_rc "error with --log-format json" 1 rt --log "$log" --log-format json delete core-missing
  last=$(grep '"level":"error"' "$log" | tail -1)
  check "log line is JSON with level/msg/time" '["level","msg","time"]' "$(jq -c 'keys' <<<"$last")"
  check_contains "log msg" "$(jq -r .msg <<<"$last")" "does not exist"
  if [[ "$(jq -r .time <<<"$last")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)$ ]]; then
    pass "log time is RFC3339"
  else
    fail "log time is RFC3339: $(jq -r .time <<<"$last")"
  fi
  check_contains "the error also goes to stderr" "$(cat "$TMP/last.err")" "does not exist"
  check "every log line is a JSON object" "$(wc -l <"$log")" "$(jq -c . "$log" | wc -l)"
  check_rc "bad --log-format" 1 rt --log-format yaml list
}

# A warning raised in cgroups/ (memory.kernel is ignored by every kernel rtrun supports, on v1
# and v2 alike) reaches --log like the runtime's own: JSON, text, and stderr without --log.
case_log_cgroups_warning() {
  [ -d /sys/fs/cgroup/memory ] || grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null ||
    skip_case "no memory controller on this host"
  bundle_set "$B" '.linux.resources.memory = {"limit": 67108864, "kernel": 67108864}'
  log=$CASE_TMP/warn.json
  check_rc "create with memory.kernel" 0 rt --log "$log" --log-format json create -b "$B" core-warn
  w=$(jq -c 'select(.level == "warning")' "$log" | grep 'memory.kernel' | head -1)
  check "the cgroups warning is a JSON log entry" '["level","msg","time"]' "$(jq -c 'keys' <<<"$w")"
  check_contains "its message" "$(jq -r .msg <<<"$w")" "linux.resources.memory.kernel and kernelTCP are ignored"
  check "with --log it is not printed on stderr" 0 "$(grep -c 'memory.kernel' "$TMP/last.err")"
  rt delete --force core-warn
  tlog=$CASE_TMP/warn.txt
  check_rc "create with --log-format text" 0 rt --log "$tlog" create -b "$B" core-warn
  check_contains "the text log has it" "$(grep 'level=warning' "$tlog")" "memory.kernel and kernelTCP are ignored"
  rt delete --force core-warn
  check_rc "create without --log" 0 rt create -b "$B" core-warn
  check_contains "without --log it goes to stderr" "$(cat "$TMP/last.err")" \
    "rtrun: warning: linux.resources.memory.kernel and kernelTCP are ignored"
}

# list and ps.
case_list_ps() {
  check "list -q on an empty root" "" "$(rt list -q)"
  check_rc "run -d" 0 rt run -d -b "$B" --pid-file "$CASE_TMP/pid" core-l1
  pid=$(cat "$CASE_TMP/pid")
  check "list -q" "core-l1" "$(rt list -q)"
  lj=$(rt list --format json)
  check "list json: id" core-l1 "$(jq -r '.[0].id' <<<"$lj")"
  check "list json: pid" "$pid" "$(jq -r '.[0].pid' <<<"$lj")"
  check "list json: status" running "$(jq -r '.[0].status' <<<"$lj")"
  check "list json: bundle" "$B" "$(jq -r '.[0].bundle' <<<"$lj")"
  table=$(rt list)
  check "list table header" "ID PID STATUS BUNDLE CREATED OWNER" "$(head -1 <<<"$table" | tr -s ' ')"
  check "list table row" "core-l1 $pid running $B" "$(sed -n 2p <<<"$table" | awk '{print $1, $2, $3, $4}')"
  check_rc "list --format bad" 1 rt list --format yaml
  check "ps json lists init" "[$pid]" "$(rt ps --format json core-l1)"
  pst=$(rt ps core-l1)
  check_contains "ps table has ps's header" "$(head -1 <<<"$pst")" "PID"
  check "ps table has one process row (sleep)" 1 "$(tail -n +2 <<<"$pst" | grep -c 'sleep 1000')"
  check_contains "ps passes options to ps" "$(rt ps core-l1 -- -o pid,comm)" "$pid sleep"
  check_rc "duplicate ID is refused" 1 rt create -b "$B" core-l1
  check_contains "duplicate ID message" "$(cat "$TMP/last.err")" "container with id exists: core-l1"
  check "the existing container is untouched" running "$(status_of core-l1)"
  check_rc "kill with a bad signal" 1 rt kill core-l1 SIGNOPE
  check_contains "bad signal message" "$(cat "$TMP/last.err")" "SIGNOPE"
  check "bad signal leaves it running" running "$(status_of core-l1)"
  check_rc "invalid container ID" 1 rt create -b "$B" "../escape"
  check_contains "invalid ID message" "$(cat "$TMP/last.err")" "invalid container ID"
  check_rc "kill -a" 0 rt kill --all core-l1 KILL
  wait_status core-l1 stopped 5
  check "stopped after kill --all" stopped "$(status_of core-l1)"
  check_rc "ps of a stopped container" 1 rt ps core-l1
  check_contains "ps says container not running" "$(cat "$TMP/last.err")" "container not running"
  rt delete core-l1
}

# spec and features.
case_spec_features() {
  S=$CASE_TMP/spec
  mkdir -p "$S"
  check_rc "spec --bundle" 0 rt spec --bundle "$S"
  check "spec writes valid JSON with sh" '["sh"]' "$(jq -c .process.args "$S/config.json")"
  check "spec: terminal true like runc" true "$(jq .process.terminal "$S/config.json")"
  check_rc "spec refuses to overwrite" 1 rt spec --bundle "$S"
  check_contains "spec overwrite message" "$(cat "$TMP/last.err")" "exists"
  (cd "$S" && rm config.json && "$RTRUN" spec) && check "spec in the current directory" true \
    "$(jq 'has("ociVersion")' "$S/config.json")"
  f=$(rt features)
  check "features: ociVersionMax" 1.2.0 "$(jq -r .ociVersionMax <<<"$f")"
  check_contains "features: namespaces" "$(jq -c .linux.namespaces <<<"$f")" '"time"'
}

lib_run_cases "$@"
