#!/bin/bash
# The command line as clients use it: help and version, list/ps formats, JSON logs with the
# error entry containerd reads, the "does not exist" / "container not running" messages, spec
# and features.
source "$(dirname "$0")/lib.sh"
lib_init cli

check_rc "--version" 0 rt --version
check_contains "--version names rtrun and the spec" "$(rt --version)" "spec: 1.2.0"
for cmd in create start run state kill delete list ps exec spec features pause resume update events; do
  check_rc "$cmd --help exits 0" 0 rt "$cmd" --help
  check_contains "$cmd --help prints usage" "$(cat "$TMP/last.out")" "sage"
done
check_rc "unknown command fails" 1 rt no-such-command
check_rc "unknown global option fails" 1 "$RTRUN" --no-such-option list
check_rc "--systemd-cgroup is accepted by list" 0 rt --systemd-cgroup list
B=$TMP/b
make_bundle "$B" sleep 1000
check_rc "--systemd-cgroup refuses create with a clear message" 1 rt --systemd-cgroup create -b "$B" core-sd
check_contains "--systemd-cgroup message" "$(cat "$TMP/last.err")" "systemd"
check "--systemd-cgroup create left nothing" absent "$(status_of core-sd)"

# Missing containers.
for cmd in state start delete "kill" ps exec; do
  args=(core-missing)
  want=1
  # exec's own failures exit 255, as runc's.
  [ "$cmd" == exec ] && args=(core-missing true) && want=255
  check_rc "$cmd of a missing container fails" "$want" rt "$cmd" "${args[@]}"
  check_contains "$cmd says 'does not exist'" "$(cat "$TMP/last.err")" "container core-missing does not exist"
done

# JSON log: one object per line; the error is logged at level error with an RFC3339 time.
log=$TMP/log.json
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

# list and ps.
check "list -q on an empty root" "" "$(rt list -q)"
check_rc "run -d" 0 rt run -d -b "$B" --pid-file "$TMP/pid" core-l1
pid=$(cat "$TMP/pid")
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
# As runc: no processes, an empty list, exit 0.
check_rc "ps of a stopped container" 0 rt ps --format json core-l1
check "ps of a stopped container lists nothing" "[]" "$(cat "$TMP/last.out")"
rt delete core-l1

# spec and features.
S=$TMP/spec
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

lib_done
