#!/bin/bash
# The driving stack of bundles/ (control, planning, perception: three SCHED_DEADLINE
# reservations) on ONE CPU: all admitted and running DEADLINE there (policy read back from /proc
# and chrt), a fourth refused by admission with its reason and nothing left of it, and after
# deleting them all no partition, no cgroup and no claim left. On pure cgroup v2 the three
# share one partition, the parent cgroup rtrun makes for the CPU set (/rtrun-rt-CPU) when the
# bundles give no linux.cgroupsPath. The VM lane runs it in a pure-v2 boot of its own
# (tests/vm/v2-stack.list, t_vm_v2stack.sh); on the host it runs on its cgroup layout.
set -u
. "$(dirname "$0")/rt_lib.sh"
rt_init stack

CS=$(cpuset_mount)
[ -n "$CS" ] || { echo "SKIP: no cpuset controller"; exit 77; }
[ "$NCPU" -ge 2 ] || { echo "SKIP: needs 2 CPUs"; exit 77; }
[ -r /proc/sys/kernel/sched_deadline_period_max_us ] || { echo "SKIP: no SCHED_DEADLINE"; exit 77; }
PROBE=$RTRUN_BUILD/tests/helpers/rtprobe
[ -x "$PROBE" ] || { echo "SKIP: $PROBE is not built"; exit 77; }
# Another DEADLINE user of this CPU (a helper's test, the demo) would make the numbers lie.
if [ -z "${RTRUN_IN_VM:-}" ] && [ -n "$("$RTRUN" cpus status --format json | jq -r '.deadlineTasks[]?.pid' | head -1)" ]; then
  echo "SKIP: other SCHED_DEADLINE tasks run on this host"
  exit 77
fi
V2=0
[ "$CS" = /sys/fs/cgroup ] && V2=1
CPU=$LAST
PART=$CS/rtrun-rt-$CPU
# A ledger of its own: the refusal must come from this stack, not from other tenants.
export RTRUN_ADMISSION_DIR=$TMP/ledger

stack_bundle() { # ROLE DIR: bundles/ROLE's config on CPU $CPU, busybox + rtprobe rootfs
  local role=$1 dir=$2
  mkdir -p "$dir/rootfs"/{bin,dev,proc,sys,tmp,etc}
  cp "$(command -v busybox)" "$dir/rootfs/bin/busybox"
  for a in sh sleep cat; do ln -s busybox "$dir/rootfs/bin/$a"; done
  cp "$PROBE" "$dir/rootfs/bin/rtprobe"
  echo "root:x:0:0:root:/:/bin/sh" >"$dir/rootfs/etc/passwd"
  # The probe's own run long enough for the checks under emulation; no terminal.
  jq --arg cpu "$CPU" '.linux.resources.cpu.cpus = $cpu | .process.terminal = false
    | .process.args |= (map(if . == "30s" then "600s" else . end))' \
    "$RTRUN_SRC/bundles/$role/config.json" >"$dir/config.json"
}

ids=()
for role in control planning perception; do
  stack_bundle "$role" "$TMP/$role"
  rt_run_retry create --bundle "$TMP/$role" "stack-$role" >"$TMP/$role.out" 2>"$TMP/$role.err"
  check "create $role (admitted, DEADLINE on CPU $CPU)" "created" "$(rt state "stack-$role" 2>/dev/null | jq -r .status)"
  [ -s "$TMP/$role.err" ] && sed 's/^/# /' "$TMP/$role.err"
  ids+=("stack-$role")
done
for id in "${ids[@]}"; do rt start "$id"; done

pids=()
for role in control planning perception; do
  pid=$(rt state "stack-$role" | jq -r .pid)
  pids+=("$pid")
  check "$role runs" "running" "$(rt state "stack-$role" | jq -r .status)"
  check "$role: /proc/PID/sched policy is 6 (SCHED_DEADLINE)" "6" \
    "$(awk '/^policy/ {print $3}' "/proc/$pid/sched" 2>/dev/null)"
  check_contains "$role: chrt -p says SCHED_DEADLINE" "$(chrt_of "$pid")" "SCHED_DEADLINE"
  check "$role: runs on CPU $CPU only" "$CPU" "$(taskset -pc "$pid" | sed 's/.*: //')"
  if [ "$V2" = 1 ]; then
    check "$role: cgroup below the CPU set's partition" "/rtrun-rt-$CPU/stack-$role" \
      "$(sed -n 's/^0:://p' "/proc/$pid/cgroup")"
  fi
done
if [ "$V2" = 1 ]; then
  check "v2: /rtrun-rt-$CPU is a partition root" "root" "$(cat "$PART/cpuset.cpus.partition")"
  check "v2: the partition holds CPU $CPU" "$CPU" "$(cat "$PART/cpuset.cpus.effective")"
fi
status=$(rt admission status --format json 2>&1)
check "admission status lists the three" "3" \
  "$(echo "$status" | jq '[.. | objects | select(has("id")) | .id | select(startswith("stack-"))] | unique | length' 2>/dev/null)"

# A fourth: a second control loop does not fit beside the three, whatever the compression.
stack_bundle control "$TMP/fourth"
rc=0
rt create --bundle "$TMP/fourth" stack-fourth >/dev/null 2>"$TMP/fourth.err" || rc=$?
err=$(cat "$TMP/fourth.err")
check "a fourth reservation is refused" "1" "$([ "$rc" -ne 0 ] && echo 1 || echo 0)"
check_contains "refused by admission" "$err" "admission"
check_contains "the refusal gives its reason (the EDF test on CPU $CPU)" "$err" "on CPU $CPU"
check "refused: no state left" "absent" "$(rt state stack-fourth >/dev/null 2>&1 && echo present || echo absent)"
check "refused: no cgroup left" "absent" \
  "$([ -e "$PART/stack-fourth" ] || [ -e "$CS/rtrun/stack-fourth" ] && echo present || echo absent)"
echo "# $(head -c 400 "$TMP/fourth.err")"

# Deleting them gives the CPU back; with one member left the partition stays.
rt delete --force stack-control
if [ "$V2" = 1 ]; then
  check "v2: the partition stays while members remain" "root" "$(cat "$PART/cpuset.cpus.partition" 2>/dev/null)"
fi
rt delete --force stack-planning
rt delete --force stack-perception
check "no container left" "" "$(rt list -q)"

# A create SIGKILLed after it claimed the CPU (and on v2 made the partition), before
# state.json: a createRuntime hook kills rtrun itself. delete --force removes it all.
stack_bundle control "$TMP/killed"
bundle_set "$TMP/killed" '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "kill -9 $PPID"]}]'
rc=0
rt create --bundle "$TMP/killed" stack-killed >/dev/null 2>&1 || rc=$?
check "create killed by SIGKILL mid-way" "137" "$rc"
if [ "$V2" = 1 ]; then
  check "v2: the killed create had made the partition" "root" "$(cat "$PART/cpuset.cpus.partition" 2>/dev/null)"
fi
check_rc "delete --force after the SIGKILL" 0 "$RTRUN" --root "$ROOT" delete --force stack-killed

check "no partition cgroup left" "absent" "$([ -e "$PART" ] && echo present || echo absent)"
if [ "$V2" = 1 ]; then
  check "no partition left anywhere" "" \
    "$(grep -l '^root' $(find "$CS" -name cpuset.cpus.partition 2>/dev/null) 2>/dev/null)"
  check "CPU $CPU is back in the root cgroup's CPUs" "$(cat /sys/devices/system/cpu/online)" \
    "$(cat "$CS/cpuset.cpus.effective")"
fi
check "no root-domain claim left" "absent" \
  "$(grep -qs "stack-" /run/rtrun/rt/rootdomain && echo present || echo absent)"
left=$("$RTRUN" cpus status --format json | jq -r '.deadlineTasks[]?.pid')
check "no DEADLINE task of the stack left" "" \
  "$(for p in "${pids[@]}"; do echo "$left" | grep -qx "$p" && echo "$p"; done)"
lib_done
