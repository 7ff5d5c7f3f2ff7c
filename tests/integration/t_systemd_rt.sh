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
if ! sd_v2 || ! grep -qw cpuset /sys/fs/cgroup/cgroup.controllers; then
  echo "SKIP: needs the cgroup v2 cpuset controller (systemd's v2 layout)"
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

# The administrator's part: the slice holds CPUs 2-3 as a partition (systemd knows the CPUs).
check_rc "slice with AllowedCPUs=$DL_CPUS" 0 systemctl set-property --runtime "$SLICE" AllowedCPUs="$DL_CPUS"
check_rc "start the slice" 0 systemctl start "$SLICE"
echo root >"$SL/cpuset.cpus.partition"
check "the slice is a partition root" root "$(cat "$SL/cpuset.cpus.partition")"

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
check "taskset shows the container's CPUs" "$DL_CPUS" "$(taskset -pc "$pid" | sed 's/.*: //')"
check "systemd knows the scope's CPUs" "$DL_CPUS" "$(sd_prop "$U" AllowedCPUs)"
check "cpuset.cpus.effective of the scope" "$DL_CPUS" "$(cat "$SL/$U/cpuset.cpus.effective")"
check_rc "update of a DEADLINE container under systemd" 0 rt --systemd-cgroup update --memory 128M "$ID"
check "memory.max after update" 134217728 "$(cat "$SL/$U/memory.max")"
check_rc "delete --force" 0 rt --systemd-cgroup delete --force "$ID"
check "the scope is gone" not-found "$(sd_load_state "$U")"
check "the partition is back to the slice alone" root "$(cat "$SL/cpuset.cpus.partition")"
lib_done
