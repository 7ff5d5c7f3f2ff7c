#!/bin/bash
# Real-time containers under the systemd cgroup driver (systemd as PID 1): a SCHED_DEADLINE
# container whose scope sits in a slice the administrator made a cpuset partition of its CPUs
# (the v2 way to isolate them; before kernel 6.7 a partition's parent must be one too), its
# policy and affinity read back from the host, and everything gone after delete.
set -u
. "$(dirname "$0")/rt_lib.sh"
. "$(dirname "$0")/systemd_lib.sh"
rt_init sdrt
sd_require
if [ -z "$(cpuset_mount)" ]; then
  echo "SKIP: no cpuset controller"
  exit 77
fi
if [ "$NCPU" -lt 4 ]; then
  echo "SKIP: needs 4 CPUs"
  exit 77
fi
SLICE=rtrunrt$$.slice
SL=/sys/fs/cgroup/$SLICE
sd_rt_cleanup() {
  rt_cleanup
  [ -f "$SL/cpuset.cpus.partition" ] && echo member >"$SL/cpuset.cpus.partition" 2>/dev/null
  systemctl stop "$SLICE" 2>/dev/null
}
trap sd_rt_cleanup EXIT

if sd_v2; then
  # The administrator's part: the slice holds CPUs 2-3 as a partition (systemd knows the CPUs).
  check_rc "slice with AllowedCPUs=$DL_CPUS" 0 systemctl set-property --runtime "$SLICE" AllowedCPUs="$DL_CPUS"
  check_rc "start the slice" 0 systemctl start "$SLICE"
  echo root >"$SL/cpuset.cpus.partition"
  check "the slice is a partition root" root "$(cat "$SL/cpuset.cpus.partition")"
else
  # v1: systemd leaves the cpuset hierarchy alone; rtrun makes the scope's cpuset itself.
  SL=/sys/fs/cgroup/cpuset/$SLICE
fi

ID=sdrt-$$
U=rtrun-$ID.scope
rt_bundle "$TMP/a" sleep 300
bundle_set "$TMP/a" ".process.scheduler = {\"policy\":\"SCHED_DEADLINE\",\"runtime\":2000000,\"deadline\":10000000,\"period\":10000000}
  | .linux.resources.cpu = {\"cpus\": \"$DL_CPUS\", \"mems\": \"0\"}
  | .linux.cgroupsPath = \"$SLICE:rtrun:$ID\""
rt_run_retry --systemd-cgroup run -d --bundle "$TMP/a" "$ID"
check "DEADLINE container running in its scope" running "$(status_of "$ID")"
pid=$(rt state "$ID" | jq -r .pid)
check_contains "init in SLICE/rtrun-ID.scope" "$(cat /proc/"$pid"/cgroup 2>&1)" "/$SLICE/$U"
out=$(chrt_of "$pid")
check_contains "chrt shows SCHED_DEADLINE" "$out" "SCHED_DEADLINE"
check_contains "chrt shows 2000000/10000000/10000000" "$out" "2000000/10000000/10000000"
# "2-3" and "2,3" alike: one CPU per word
expand() { echo "$1" | tr ',' '\n' | awk -F- '{ e = NF > 1 ? $2 : $1; for (i = $1; i <= e; i++) printf "%d ", i }'; }
check "taskset shows the container's CPUs" "$(expand "$DL_CPUS")" "$(expand "$(taskset -pc "$pid" | sed 's/.*: //')")"
if sd_v2; then
  check "systemd knows the scope's CPUs" "$DL_CPUS" "$(sd_prop "$U" AllowedCPUs)"
  check "cpuset.cpus.effective of the scope" "$DL_CPUS" "$(cat "$SL/$U/cpuset.cpus.effective")"
else
  check "the scope's v1 cpuset" "$DL_CPUS" "$(cat "$SL/$U/cpuset.cpus")"
fi
check_rc "update of a DEADLINE container under systemd" 0 rt --systemd-cgroup update --memory 128M "$ID"
check "systemd knows the new memory limit" 134217728 "$(sd_prop "$U" "$(sd_v2 && echo MemoryMax || echo MemoryLimit)")"
check_rc "delete --force" 0 rt --systemd-cgroup delete --force "$ID"
check "the scope is gone" not-found "$(sd_load_state "$U")"
sd_v2 && check "the partition is back to the slice alone" root "$(cat "$SL/cpuset.cpus.partition")"
check "the scope's cpuset is gone" absent "$([ -d "$SL/$U" ] && echo present || echo absent)"

# ---- the driving stack of bundles/ (control, planning, perception), each in its scope -------
probe=$RTRUN_BUILD/tests/helpers/rtprobe
if [ -x "$probe" ]; then
  for n in control planning perception; do
    mkdir -p "$TMP/stack/$n"
    "$RTRUN_SRC/scripts/mkbundle.sh" "$TMP/stack/$n" >/dev/null
    cp "$probe" "$TMP/stack/$n/rootfs/bin/rtprobe"
    # The bundle as shipped, on this lane's CPUs, in the slice, for 10 s.
    jq --arg cpus "$DL_CPUS" --arg cg "$SLICE:rtrun:sdstack-$n-$$" \
      '.linux.resources.cpu.cpus = $cpus | .linux.cgroupsPath = $cg | del(.process.capabilities.ambient)
       | .process.args = [.process.args[] | if . == "30s" then "10s" else . end]' \
      "$RTRUN_SRC/bundles/$n/config.json" >"$TMP/stack/$n/config.json"
    rt --systemd-cgroup run -d --bundle "$TMP/stack/$n" "sdstack-$n-$$" >"$TMP/stack/$n.log" 2>&1
    check "stack: $n admitted and running" running "$(status_of "sdstack-$n-$$")"
    check_contains "stack: the ledger holds $n" "$("$RTRUN" admission status --format json 2>&1)" "sdstack-$n-$$"
    p=$(rt state "sdstack-$n-$$" | jq -r .pid)
    check_contains "stack: $n runs SCHED_DEADLINE" "$(chrt_of "$p")" "SCHED_DEADLINE"
    check_contains "stack: $n in its scope" "$(cat /proc/"$p"/cgroup 2>&1)" "/$SLICE/rtrun-sdstack-$n-$$.scope"
  done
  for n in control planning perception; do
    wait_status "sdstack-$n-$$" stopped 60
    check "stack: $n ran to its end" stopped "$(status_of "sdstack-$n-$$")"
    echo "# $n: $(tr -d '\n' <"$TMP/stack/$n.log" | head -c 600)"
    check_contains "stack: $n printed its summary" "$(cat "$TMP/stack/$n.log")" '"activations"'
    check_rc "stack: delete $n" 0 rt --systemd-cgroup delete "sdstack-$n-$$"
    check "stack: $n's scope is gone" not-found "$(sd_load_state "rtrun-sdstack-$n-$$.scope")"
  done
else
  echo "# the driving stack skipped: $probe is not built"
fi
lib_done
