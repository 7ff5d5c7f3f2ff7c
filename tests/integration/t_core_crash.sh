#!/bin/bash
# Crash safety: SIGKILL injected by strace at syscall-level points of `create` and `delete -f`
# (the Nth call of renameat, clone3, flock, mkdir, rmdir, kill, wait4, write, openat, ...); after
# each kill `delete --force ID` must leave no state dir, cgroup directory, root-domain claim,
# reservation, temporary file or process, and the ID must be creatable again. Prints how many
# distinct points it covered. The bundle is a DEADLINE one with memory and pids limits where the
# host allows it (the most host state per container), else a plain one.
# CRASH_MAX_PER_SYSCALL (default 8) bounds the points taken per syscall.
set -u
. "$(dirname "$0")/rt_lib.sh"
rt_init crash
if ! command -v strace >/dev/null; then
  echo "SKIP: strace is missing (scripts/install-deps.sh)"
  exit 77
fi
MAXN=${CRASH_MAX_PER_SYSCALL:-8}
UNIQ=$((200000 + $$)) # the container sleeps this long: how its processes are found
ID=crash-$$
B=$TMP/b
rt_bundle "$B" sleep "$UNIQ"
bundle_set "$B" '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 64}'
MODE=plain
if [ "$NCPU" -ge 2 ] && grep -q SCHED_DEADLINE <(chrt -m 2>&1) && [ -n "$(cpuset_mount)" ]; then
  bundle_set "$B" ".process.scheduler = {\"policy\":\"SCHED_DEADLINE\",\"runtime\":1000000,
      \"deadline\":10000000,\"period\":10000000}
    | .linux.resources.cpu = {\"cpus\": \"$DL_CPUS\", \"mems\": \"0\"}"
  if rt_run_retry create --bundle "$B" "$ID" >/dev/null 2>"$TMP/probe.err"; then
    MODE=deadline
  else
    echo "# DEADLINE bundle refused here ($(head -c 200 "$TMP/probe.err")): plain bundle"
    rt delete -f "$ID" >/dev/null 2>&1
    bundle_set "$B" 'del(.process.scheduler) | del(.linux.resources.cpu)'
  fi
  rt delete -f "$ID" >/dev/null 2>&1
fi
echo "# bundle: $MODE, memory and pids limits"
ADM=${RTRUN_ADMISSION_DIR:-/run/rtrun/admission}
RTDIR=/run/rtrun/rt

# Everything of ID on the host, one line each; empty when nothing is left.
leftovers() {
  [ -e "$ROOT/$ID" ] && echo "state dir $ROOT/$ID: $(ls -A "$ROOT/$ID" | tr '\n' ' ')"
  local d
  for d in /sys/fs/cgroup/*/"${CG_PREFIX#/}/b" /sys/fs/cgroup/"${CG_PREFIX#/}/b"; do
    [ -d "$d" ] && echo "cgroup $d"
  done
  [ -f "$RTDIR/rootdomain" ] && grep -F "$CG_PREFIX/b" "$RTDIR/rootdomain" | sed 's/^/claim /'
  # with no root domain claimed by anyone, the host's cpusets are as before (v1)
  local cs
  cs=$(cpuset_mount)
  if [ -n "$cs" ] && ! grep -qs '^container' "$RTDIR/rootdomain" && [ -d "$cs/rtrun-balance" ]; then
    echo "cpuset $cs/rtrun-balance without any claim"
  fi
  ls "$RTDIR" "$ADM" "$ADM/reservations" "$ROOT" 2>/dev/null | grep -F '.tmp.' | sed 's/^/temporary /'
  grep -lF "\"$ID\"" "$ADM"/reservations/*.json 2>/dev/null | sed 's/^/reservation /'
  "$RTRUN" admission status --format json 2>/dev/null |
    jq -r --arg id "$ID" '.containers[]? | select(.id == $id or (.id | startswith($id + "/"))) |
      "ledger entry \(.id) pid \(.pid)"'
  # zombies aside: this host's PID 1 may not reap the orphans it inherits
  local f pid
  for f in $(grep -lF "$CG_PREFIX/b" /proc/[0-9]*/cgroup 2>/dev/null); do
    pid=${f#/proc/}
    pid=${pid%/cgroup}
    [ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" = Z ] && continue
    [ -e "/proc/$pid" ] && echo "process $pid in the cgroup: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | head -c 200)"
  done
  pgrep -f "sleep $UNIQ" | sed 's/^/process /'
}

covered=0
failed_points=0
declare -A seen

# after_kill WHAT: delete -f (twice if the first fails), then no leftovers, then create works.
after_kill() {
  local what=$1 rc=0 left
  rt delete --force "$ID" >"$TMP/del.out" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ] && ! grep -q "does not exist" "$TMP/del.out"; then
    echo "# $what: delete -f rc $rc: $(head -c 300 "$TMP/del.out")"
    rt delete --force "$ID" >/dev/null 2>&1
  fi
  left=$(leftovers)
  local ok=1
  if [ -n "$left" ]; then
    ok=0
    echo "# $what: left after delete -f:"
    sed 's/^/#    /' <<<"$left"
  fi
  if ! rt_run_retry create --bundle "$B" "$ID" >/dev/null 2>"$TMP/re.err"; then
    ok=0
    echo "# $what: create again failed: $(head -c 300 "$TMP/re.err")"
  fi
  rt delete --force "$ID" >/dev/null 2>&1
  left=$(leftovers)
  if [ -n "$left" ]; then
    ok=0
    echo "# $what: left after the second create and delete: $left"
  fi
  [ "$ok" = 1 ] || failed_points=$((failed_points + 1))
  # whatever happened, start the next point clean
  rt delete --force "$ID" >/dev/null 2>&1
}

SYSCALLS="renameat,renameat2,rename,clone,clone3,flock,mkdir,mkdirat,rmdir,unlinkat,kill,wait4,write,openat,pidfd_open,pidfd_send_signal,mknodat,socketpair,fchmodat,setns,unshare"

# The Nth calls to try for a syscall made COUNT times: all when few, else spread over the run.
points_of() {
  local count=$1
  if [ "$count" -le "$MAXN" ]; then
    seq 1 "$count"
  else
    local i
    for i in $(seq 0 $((MAXN - 1))); do echo $((1 + i * (count - 1) / (MAXN - 1))); done | uniq
  fi
}

# inject PHASE SYSCALL N CMD...: run CMD under strace, SIGKILLed at the Nth SYSCALL.
inject() {
  local phase=$1 sc=$2 n=$3 rc=0
  shift 3
  # in a subshell: bash's "Killed" report goes to /dev/null with the rest
  (strace -qq -o /dev/null -e trace="$sc" -e inject="$sc":signal=SIGKILL:when="$n" "$@"; exit $?) \
    >/dev/null 2>&1 || rc=$?
  if [ "$rc" -ge 128 ]; then
    seen["$phase:$sc:$n"]=1
    covered=$((covered + 1))
    after_kill "$phase $sc#$n"
  else
    # not reached (the count moved) or not fatal: nothing to check beyond a clean slate
    rt delete --force "$ID" >/dev/null 2>&1
  fi
}

# How often each syscall is called by one create and one delete -f (main process only: the
# container's own processes are not rtrun once they exec, and die with it before that).
rt_run_retry create --bundle "$B" "$ID" >/dev/null 2>&1
rt delete -f "$ID" >/dev/null 2>&1
strace -qq -c -o "$TMP/create.count" -e trace="$SYSCALLS" \
  "$RTRUN" --root "$ROOT" create --bundle "$B" "$ID" >/dev/null 2>&1
strace -qq -c -o "$TMP/delete.count" -e trace="$SYSCALLS" \
  "$RTRUN" --root "$ROOT" delete -f "$ID" >/dev/null 2>&1
check "nothing left after an ordinary create and delete" "" "$(leftovers)"
counts() { awk '$NF ~ /^[a-z_0-9]+$/ && $NF != "total" && $4 ~ /^[0-9]+$/ { print $NF, $4 }' "$1"; }

start=$SECONDS
while read -r sc count; do
  for n in $(points_of "$count"); do
    inject create "$sc" "$n" "$RTRUN" --root "$ROOT" create --bundle "$B" "$ID"
  done
done < <(counts "$TMP/create.count")
echo "# create: $covered kill points in $((SECONDS - start)) s"
create_points=$covered

start=$SECONDS
while read -r sc count; do
  for n in $(points_of "$count"); do
    if ! rt_run_retry create --bundle "$B" "$ID" >/dev/null 2>"$TMP/pre.err"; then
      echo "# create before the delete kill failed: $(head -c 300 "$TMP/pre.err")"
      failed_points=$((failed_points + 1))
      continue
    fi
    inject delete "$sc" "$n" "$RTRUN" --root "$ROOT" delete --force "$ID"
  done
done < <(counts "$TMP/delete.count")
echo "# delete: $((covered - create_points)) kill points in $((SECONDS - start)) s"

# The wedged ID of issue 14: create killed at its first kill(2), after the init blocked on the
# exec fifo and before state.json said so.
inject wedge kill 1 "$RTRUN" --root "$ROOT" create --bundle "$B" "$ID"

echo "# covered ${#seen[@]} distinct kill points ($create_points in create), $failed_points with leftovers"
check "every kill point cleaned by delete --force, ID re-creatable" 0 "$failed_points"
check "at least 40 distinct kill points covered" 1 "$([ "${#seen[@]}" -ge 40 ] && echo 1 || echo 0)"
lib_done
