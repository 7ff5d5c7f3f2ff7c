#!/bin/bash
# The systemd cgroup driver (`rtrun --systemd-cgroup`) with systemd as PID 1: each container's
# cgroup is a transient scope (prefix-name.scope in its slice) that systemd creates around init,
# knows the resources of, and that delete stops; lifecycle, exec, ps, update, pause, events,
# device rules, and a create killed half-way that delete --force still cleans up.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/systemd_lib.sh"
lib_init sdlife
sd_require
SD=(--systemd-cgroup)
sdrt() { rt "${SD[@]}" "$@"; }

# ---- default cgroupsPath: system.slice, rtrun-<id>.scope ---------------------------------
B=$TMP/b
make_bundle "$B" sleep 1000
bundle_set "$B" 'del(.linux.cgroupsPath)
  | .linux.resources.memory.limit = 100663296 | .linux.resources.pids.limit = 50
  | .linux.resources.cpu.shares = 512 | .linux.resources.cpu.quota = 25000
  | .linux.resources.cpu.period = 100000'
ID=sdlife-$$
U=rtrun-$ID.scope
check_rc "create" 0 sdrt create -b "$B" --pid-file "$TMP/pid" "$ID"
PID=$(cat "$TMP/pid")
check "state: created" created "$(status_of "$ID")"
check "the scope is active" active "$(sd_prop "$U" ActiveState)"
check "in system.slice" system.slice "$(sd_prop "$U" Slice)"
check "delegated" yes "$(sd_prop "$U" Delegate)"
CG=$(sd_cgdir "/system.slice/$U")
check "init is in the scope's cgroup" "$PID" "$(grep -x "$PID" "$CG/cgroup.procs")"
check_contains "/proc/PID/cgroup names the scope" "$(cat /proc/"$PID"/cgroup)" "/system.slice/$U"
check "systemd knows the memory limit" 100663296 "$(sd_prop "$U" "$(sd_v2 && echo MemoryMax || echo MemoryLimit)")"
check "systemd knows the pids limit" 50 "$(sd_prop "$U" TasksMax)"
if sd_v2; then
  check "memory.max" 100663296 "$(cat "$CG/memory.max")"
  check "pids.max" 50 "$(cat "$CG/pids.max")"
  check "cpu.max is exact (systemd's 10 ms steps are overwritten)" "25000 100000" "$(cat "$CG/cpu.max")"
  check "systemd knows the CPU weight (shares 512)" 20 "$(sd_prop "$U" CPUWeight)"
  check "cpu.weight" 20 "$(cat "$CG/cpu.weight")"
else
  check "memory.limit_in_bytes" 100663296 "$(cat "$CG/memory.limit_in_bytes")"
  check "cpu.cfs_quota_us" 25000 "$(cat "$(sd_cgdir "/system.slice/$U" cpu,cpuacct)/cpu.cfs_quota_us")"
fi
check_rc "start" 0 sdrt start "$ID"
check "state: running" running "$(status_of "$ID")"
check_rc "exec" 0 sdrt exec "$ID" sh -c 'echo hello'
check "exec output" hello "$(cat "$TMP/last.out")"
check_rc "exec --detach" 0 sdrt exec -d --pid-file "$TMP/epid" "$ID" sleep 100
check_contains "the exec'd process is in the scope" "$(cat /proc/"$(cat "$TMP/epid")"/cgroup)" "/system.slice/$U"
check_rc "ps" 0 sdrt ps "$ID"
check_contains "ps lists init" "$(cat "$TMP/last.out")" "$PID"

# update: systemd is told, then the files are written.
check_rc "update --memory 64M --pids-limit 40" 0 sdrt update --memory 64M --pids-limit 40 "$ID"
check "systemd knows the new memory limit" 67108864 "$(sd_prop "$U" "$(sd_v2 && echo MemoryMax || echo MemoryLimit)")"
check "systemd knows the new pids limit" 40 "$(sd_prop "$U" TasksMax)"
sd_v2 && check "memory.max after update" 67108864 "$(cat "$CG/memory.max")"
sd_v2 && check "pids.max after update" 40 "$(cat "$CG/pids.max")"
# A reload makes systemd write its own values again: they are ours.
systemctl daemon-reload
sd_v2 && check "memory.max after daemon-reload" 67108864 "$(cat "$CG/memory.max")"
check_rc "exec after daemon-reload" 0 sdrt exec "$ID" true

check_rc "pause" 0 sdrt pause "$ID"
check "state: paused" paused "$(status_of "$ID")"
sd_v2 && check "cgroup.freeze" 1 "$(cat "$CG/cgroup.freeze")"
check_rc "resume" 0 sdrt resume "$ID"
check "state: running again" running "$(status_of "$ID")"

check_rc "events --stats" 0 sdrt events --stats "$ID"
check "events --stats: pids.current (init and the exec)" 2 "$(jq -r .data.pids.current "$TMP/last.out")"
mem=$(jq -r .data.memory.usage.usage "$TMP/last.out")
check "events --stats: memory usage > 0" yes "$([ "${mem:-0}" -gt 0 ] && echo yes || echo "no ($mem)")"

check_rc "kill" 0 sdrt kill "$ID" KILL
wait_status "$ID" stopped 10
check "state: stopped" stopped "$(status_of "$ID")"
check_rc "delete" 0 sdrt delete "$ID"
check "state gone" absent "$(status_of "$ID")"
check "the scope is gone" not-found "$(sd_load_state "$U")"
check "its cgroup is gone" absent "$([ -d "$CG" ] && echo present || echo absent)"

# ---- "slice:prefix:name" with a nested slice -------------------------------------------------
ID2=sdnest-$$
bundle_set "$B" ".linux.cgroupsPath = \"rtrun-test.slice:tp:$ID2\" | del(.linux.resources)"
check_rc "create in rtrun-test.slice" 0 sdrt create -b "$B" --pid-file "$TMP/pid2" "$ID2"
check_contains "init in rtrun-test.slice/tp-ID.scope" "$(cat /proc/"$(cat "$TMP/pid2")"/cgroup)" \
  "/rtrun.slice/rtrun-test.slice/tp-$ID2.scope"
check "the scope is active" active "$(sd_prop "tp-$ID2.scope" ActiveState)"
check_rc "delete --force of a created container" 0 sdrt delete --force "$ID2"
check "the scope is gone" not-found "$(sd_load_state "tp-$ID2.scope")"

# ---- device rules: systemd's program and rtrun's agree -------------------------------------
ID3=sddev-$$
make_bundle "$B" sh -c 'head -c 4 /dev/zero | wc -c; mknod /dev/xmem c 1 1 && echo mknod-ok && head -c 1 /dev/xmem; echo rc=$?'
bundle_set "$B" 'del(.linux.cgroupsPath)
  | .process.capabilities |= with_entries(if .key == "ambient" then . else .value += ["CAP_MKNOD"] end)'
check_rc "run with the default device rules" 0 sdrt run -b "$B" "$ID3"
check_contains "/dev/zero can be read" "$(cat "$TMP/last.out")" "4"
check_contains "mknod of c 1:1 works (the m of the default rules)" "$(cat "$TMP/last.out")" "mknod-ok"
check_contains "opening c 1:1 is refused" "$(cat "$TMP/last.out" "$TMP/last.err")" "Operation not permitted"
check "the scope went with run" not-found "$(sd_load_state "rtrun-$ID3.scope")"
check "run warned of nothing" "" "$(grep -i warn "$TMP/last.err")"

# A whole major allowed, one of its devices denied after: systemd gets the major by its driver
# name (a superset), rtrun's own rules keep the deny.
ID5=sddev2-$$
make_bundle "$B" sh -c 'mknod /dev/xmem c 1 1; mknod /dev/xzero c 1 5; head -c 4 /dev/xzero | wc -c; head -c 1 /dev/xmem; echo rc=$?'
bundle_set "$B" 'del(.linux.cgroupsPath)
  | .process.capabilities |= with_entries(if .key == "ambient" then . else .value += ["CAP_MKNOD"] end)
  | .linux.resources.devices = [{"allow": false, "access": "rwm"},
      {"allow": true, "type": "c", "major": 1, "access": "rwm"},
      {"allow": false, "type": "c", "major": 1, "minor": 1, "access": "rwm"}]
  | .process.args = ["sh", "-c", "sleep 1; " + .process.args[2]]'
rc=0
sdrt create -b "$B" "$ID5" >"$TMP/sddev2.out" 2>&1 || rc=$?
check "create with c 1:* allowed, c 1:1 denied" 0 "$rc"
check_contains "systemd allows the major by driver name" "$(sd_prop "rtrun-$ID5.scope" DeviceAllow)" "char-mem rwm"
check "systemd's policy is strict" strict "$(sd_prop "rtrun-$ID5.scope" DevicePolicy)"
check_rc "start" 0 sdrt start "$ID5"
wait_status "$ID5" stopped 20
check_rc "delete" 0 sdrt delete "$ID5"
check "c 1:5 readable (a default rule), c 1:1 refused (the deny after the allow)" "4 rc=1" \
  "$(tr -d ' ' <"$TMP/sddev2.out" | grep -E '^(4|rc=)' | tr '\n' ' ' | sed 's/ $//')"

# ---- a create killed half-way: delete --force removes the scope ----------------------------
ID4=sdkill-$$
make_bundle "$B" sleep 1000
bundle_set "$B" "del(.linux.cgroupsPath)
  | .hooks.createRuntime = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo \$\$ >$TMP/hook.tmp; mv $TMP/hook.tmp $TMP/hook; exec sleep 60\"]}]"
rm -f "$TMP/hook"
"$RTRUN" --root "$ROOT" --systemd-cgroup create -b "$B" "$ID4" >/dev/null 2>&1 &
cpid=$!
wait_until 60 test -e "$TMP/hook"
check "the scope exists during the hook" active "$(sd_prop "rtrun-$ID4.scope" ActiveState)"
kill -9 "$cpid"
wait "$cpid" 2>/dev/null
kill "$(cat "$TMP/hook")" 2>/dev/null
check "state: creating" creating "$(status_of "$ID4")"
check_rc "delete --force after a killed create" 0 sdrt delete --force "$ID4"
check "state gone" absent "$(status_of "$ID4")"
check "no scope left" not-found "$(sd_load_state "rtrun-$ID4.scope")"
check "no cgroup left" absent "$([ -d "$(sd_cgdir "/system.slice/rtrun-$ID4.scope")" ] && echo present || echo absent)"

lib_done
