#!/bin/bash
# `rtrun cpus shield LAST && rtrun cpus status && rtrun cpus release`: tasks, kernel threads
# and IRQs leave the shielded CPU, status shows it, release puts every affinity back. Shield
# and release are both safe to repeat.
# Named cases (lib.sh): bash t_rt_shield.sh --list; bash t_rt_shield.sh NAME...
set -u
. "$(dirname "$0")/rt_lib.sh"
rt_init shield
if [ "$NCPU" -lt 2 ]; then
  echo "SKIP: needs 2 CPUs"
  exit 77
fi
RTCPUS() { "$RTRUN" cpus "$@"; }
RTCPUS release >/dev/null 2>&1 # a previous run that crashed

# tid starttime affinity, for every thread on the host. Threaded IRQ handlers (irq/N-...)
# are left out: their affinity follows their IRQ's, lazily, at the IRQ's next interrupt.
snapshot() {
  local t tid st aff
  for t in /proc/[0-9]*/task/[0-9]*; do
    tid=${t##*/}
    [[ "$(cat "$t/comm" 2>/dev/null)" == irq/* ]] && continue
    st=$(sed 's/.*) //' "$t/stat" 2>/dev/null | cut -d' ' -f20) || continue
    aff=$(grep -s Cpus_allowed_list "$t/status" | cut -f2) || continue
    [ -n "$st" ] && [ -n "$aff" ] && echo "$tid:$st $aff"
  done | sort
}
irqs() {
  local f
  for f in /proc/irq/default_smp_affinity /proc/irq/*/smp_affinity_list \
    /sys/devices/virtual/workqueue/cpumask; do
    [ -r "$f" ] && echo "$f $(cat "$f")"
  done
}
cpuset_files() {
  local cs
  cs=$(cpuset_mount)
  [ -n "$cs" ] && grep -rs . "$cs"/cpuset.* "$cs"/cpuset.cpus* 2>/dev/null | grep -v pressure
}

# A failed case must not leave the host shielded.
case_teardown() {
  RTCPUS release >/dev/null 2>&1
}

# One shield's life: shield (and what it refuses), status, release, everything as before.
case_shield_status_release() {
  snapshot >"$TMP/tasks.before"
  irqs >"$TMP/irqs.before"
  cpuset_files >"$TMP/cpuset.before"

  check_rc "cpus shield $LAST" 0 "$RTRUN" cpus shield "$LAST"
  check_contains "shield reports what it moved" "$(cat "$TMP/last.out")" "threads moved"
  check_rc "cpus shield $LAST again (idempotent)" 0 "$RTRUN" cpus shield "$LAST"
  check_rc "shielding another set while shielded is refused" 1 "$RTRUN" cpus shield 0
  check_contains "refusal says to release first" "$(cat "$TMP/last.err")" "cpus release"
  check_rc "shielding every CPU is refused" 1 "$RTRUN" cpus shield "0-$LAST"

  off_last() { [[ ",$(taskset -pc "$1" | sed 's/.*: //')," != *",$LAST,"* ]] && ! taskset -pc "$1" | grep -qE -- "-$LAST\$|-$LAST,"; }
  check "pid 1 left CPU $LAST" "yes" "$(off_last 1 && echo yes || echo no)"
  check "this shell left CPU $LAST" "yes" "$(off_last $$ && echo yes || echo no)"
  sh -c 'sleep 0.1' &
  check "a new process starts off CPU $LAST" "yes" "$(off_last $! && echo yes || echo no)"
  wait
  # A process started during the shield, and a child it forks later: both inherit the narrowed
  # mask, are recorded nowhere, and must get every CPU back at release (issue 21, item 4).
  sh -c 'sleep 600 & echo $! >"$1"; exec sleep 600' sh "$TMP/born.child" &
  born=$!
  for _ in $(seq 50); do [ -s "$TMP/born.child" ] && break; sleep 0.1; done
  born_child=$(cat "$TMP/born.child")
  allowed() { grep Cpus_allowed_list "/proc/$1/status" | cut -f2; }
  check "a process born during the shield starts off CPU $LAST" "yes" "$(off_last "$born" && echo yes || echo no)"
  check "its child too" "yes" "$(off_last "$born_child" && echo yes || echo no)"
  hex=$(cat /proc/irq/default_smp_affinity)
  check "default IRQ affinity excludes CPU $LAST" "0" \
    "$(( (16#${hex//,/} >> LAST) & 1 ))"

  status=$("$RTRUN" cpus status --format json)
  check "status: CPU $LAST shielded" "true" "$(echo "$status" | jq ".cpus[] | select(.cpu == $LAST) | .shielded")"
  check "status: CPU 0 not shielded" "false" "$(echo "$status" | jq '.cpus[] | select(.cpu == 0) | .shielded')"
  check "status: every online CPU listed" "$NCPU" "$(echo "$status" | jq '.cpus | length')"
  check "status: DEADLINE capacity reported" "true" \
    "$(echo "$status" | jq '.cpus[0].deadlinePercent.capacity > 0')"
  text=$("$RTRUN" cpus status)
  check_contains "text status has the header" "$text" "SHIELD"

  check_rc "cpus release" 0 "$RTRUN" cpus release
  released=$(cat "$TMP/last.out")
  check "release widened the threads born during the shield (at least the process and its child)" "yes" \
    "$(n=$(echo "$released" | sed -n 's/.*, \([0-9]*\) threads born during the shield.*/\1/p'); [ "${n:-0}" -ge 2 ] && echo yes || echo "no: $released")"
  check_rc "cpus release again" 0 "$RTRUN" cpus release
  check "no shield state left" "no" "$([ -e /run/rtrun/rt/shield ] && echo yes || echo no)"
  check "the process born during the shield may run on every CPU again" "$(allowed 1)" "$(allowed "$born")"
  check "and its child" "$(allowed 1)" "$(allowed "$born_child")"
  kill "$born_child" "$born" 2>/dev/null
  wait "$born" 2>/dev/null

  snapshot >"$TMP/tasks.after"
  irqs >"$TMP/irqs.after"
  cpuset_files >"$TMP/cpuset.after"
  # threads alive before and after (same tid and start time) have their affinity back
  changed=$(join "$TMP/tasks.before" "$TMP/tasks.after" | awk '$2 != $3')
  check "every surviving thread's affinity restored" "" "$changed"
  check "IRQ and workqueue masks restored" "" "$(diff "$TMP/irqs.before" "$TMP/irqs.after")"
  check "cpuset files unchanged" "" "$(diff "$TMP/cpuset.before" "$TMP/cpuset.after")"
}

lib_run_cases "$@"
