#!/bin/bash
# org.rtrun.memory.lock "true": RLIMIT_MEMLOCK raised in the container, no swap and reclaim
# protection at the limit on the host side; without the capabilities to lock, a clear error.
# Named cases (lib.sh): bash t_rt_memlock.sh --list; bash t_rt_memlock.sh NAME...
set -u
. "$(dirname "$0")/rt_lib.sh"
rt_init memlock
LIMIT=67108864
case_features_advertises() {
  check "features advertises the memory lock" "true" \
    "$("$RTRUN" features | jq -r '.annotations["org.rtrun.memory.lock"]')"
}

case_locked_container() {
  rt_bundle "$CASE_TMP/m" sleep 300
  bundle_set "$CASE_TMP/m" ".annotations[\"org.rtrun.memory.lock\"] = \"true\"
  | .linux.resources.memory = {\"limit\": $LIMIT}
  | .process.capabilities.effective += [\"CAP_IPC_LOCK\"]
  | .process.capabilities.permitted += [\"CAP_IPC_LOCK\"]
  | .process.capabilities.bounding += [\"CAP_IPC_LOCK\"]"
  rt run -d --bundle "$CASE_TMP/m" rt-mem >"$TMP/m.out" 2>&1 || cat "$TMP/m.out"
  check "container with memory lock running" "running" "$(status_of rt-mem)"
  pid=$(rt state rt-mem | jq -r .pid)
  [ -n "$pid" ] && [ -r "/proc/$pid/limits" ] || pid=missing
  soft=$(awk '/Max locked memory/ {print $4}' "/proc/$pid/limits" 2>/dev/null || echo none)
  hard=$(awk '/Max locked memory/ {print $5}' "/proc/$pid/limits" 2>/dev/null || echo unknown)
  check "RLIMIT_MEMLOCK soft limit raised to the hard limit" "$hard" "$soft"
  if [ "$(( (0x$(awk '/CapBnd/ {print $2}' /proc/self/status) >> 24) & 1 ))" = 1 ]; then
    check "RLIMIT_MEMLOCK unlimited" "unlimited" "$soft"
  fi
  mem=$(cgroup_dirs "$CG_PREFIX/m" | grep -E '/memory/|unified' | head -1)
  [ -z "$mem" ] && [ -d "/sys/fs/cgroup$CG_PREFIX/m" ] && mem=/sys/fs/cgroup$CG_PREFIX/m # pure v2
  if [ -f "$mem/memory.swappiness" ]; then
    check "v1: swappiness 0" "0" "$(cat "$mem/memory.swappiness")"
    # PREEMPT_RT kernels have no v1 soft limits
    uname -v | grep -q PREEMPT_RT ||
      check "v1: soft limit at the limit" "$LIMIT" "$(cat "$mem/memory.soft_limit_in_bytes")"
    [ -f "$mem/memory.memsw.limit_in_bytes" ] &&
      check "v1: memory+swap = memory (no swap)" "$LIMIT" "$(cat "$mem/memory.memsw.limit_in_bytes")"
  elif [ -f "$mem/memory.min" ]; then
    check "v2: memory.min at the limit" "$LIMIT" "$(cat "$mem/memory.min")"
    [ -f "$mem/memory.swap.max" ] && check "v2: swap.max 0" "0" "$(cat "$mem/memory.swap.max")"
  fi
}

# Without CAP_IPC_LOCK, and without CAP_SYS_RESOURCE to lift the hard limit: refused.
case_refused_without_cap() {
  [ "$(( (0x$(awk '/CapBnd/ {print $2}' /proc/self/status) >> 24) & 1 ))" = 0 ] ||
    skip_case "this host has CAP_SYS_RESOURCE, which lifts the hard limit"
  rt_bundle "$CASE_TMP/n" sleep 300
  bundle_set "$CASE_TMP/n" ".annotations[\"org.rtrun.memory.lock\"] = \"true\"
    | .linux.resources.memory = {\"limit\": $LIMIT}"
  rc=0
  rt run -d --bundle "$CASE_TMP/n" rt-mem2 >/dev/null 2>"$TMP/n.err" || rc=$?
  check "memory lock without CAP_IPC_LOCK refused" "1" "$([ "$rc" -ne 0 ] && echo 1 || echo 0)"
  check_contains "refusal says what to add" "$(cat "$TMP/n.err")" "CAP_IPC_LOCK"
}

lib_run_cases "$@"
