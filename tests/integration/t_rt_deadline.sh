#!/bin/bash
# SCHED_DEADLINE containers on their own root domain: policy and parameters read back from the
# host (chrt uses sched_getattr), affinity = the container's CPUs, RESET_ON_FORK children,
# a refused over-subscription with the numbers, disjoint domains on 4+ CPUs, and the host's
# cpuset flags restored after delete.
# Named cases (lib.sh): bash t_rt_deadline.sh --list; bash t_rt_deadline.sh NAME...
set -u
. "$(dirname "$0")/rt_lib.sh"
rt_init deadline

CS=$(cpuset_mount)
if [ -z "$CS" ]; then
  echo "SKIP: no cpuset controller"
  exit 77
fi
if [ "$NCPU" -lt 2 ]; then
  echo "SKIP: needs 2 CPUs"
  exit 77
fi
if [ ! -r /proc/sys/kernel/sched_deadline_period_max_us ]; then
  echo "SKIP: no SCHED_DEADLINE"
  exit 77
fi

# cgroup v2 before kernel 6.7 has no remote partitions: a partition's parent must already be
# one, and a cgroup cannot become one once it has cpuset children. There the test plays the
# administrator and creates a partition directly under the root for each CPU set first.
LOCAL=0
if [ "$CS" = /sys/fs/cgroup ]; then
  probe=$CS/rtrun-test-rt-$$-probe
  mkdir "$probe"
  [ -e "$probe/cpuset.cpus.exclusive" ] || LOCAL=1
  rmdir "$probe"
fi
partition() { # NAME CPUS: a top-level partition, echoes the cgroupsPath prefix to use
  local d=$CS/rtrun-test-rt-$$-$1
  mkdir -p "$d" && echo "$2" >"$d/cpuset.cpus" && echo root >"$d/cpuset.cpus.partition"
  echo "/rtrun-test-rt-$$-$1"
}
# Otherwise each CPU set gets a parent cgroup of its own, which rtrun makes the set's partition
# (on v2) shared by every container below it.
parent_for() { # NAME CPUS
  if [ "$LOCAL" = 1 ]; then partition "$@"; else echo "$CG_PREFIX/$1"; fi
}
parent_name() { # NAME: what parent_for NAME echoed
  if [ "$LOCAL" = 1 ]; then echo "/rtrun-test-rt-$$-$1"; else echo "$CG_PREFIX/$1"; fi
}

DL='{"policy":"SCHED_DEADLINE","runtime":2000000,"deadline":10000000,"period":10000000}'
dl_bundle() { # DIR CPUS RUNTIME PARENT ARGS...
  local dir=$1 cpus=$2 runtime=$3 parent=$4
  shift 4
  rt_bundle "$dir" "$@"
  bundle_set "$dir" ".process.scheduler = ($DL | .runtime = $runtime)
    | .linux.resources.cpu = {\"cpus\": \"$cpus\", \"mems\": \"0\"}
    | .linux.cgroupsPath = \"$parent/$(basename "$dir")\""
}

# lowest CPU of a list ("2-3" -> 2)
first_cpu() { echo "${1%%[-,]*}"; }
# "2-3" and "2,3" alike: one CPU per word
expand() { echo "$1" | tr ',' '\n' | awk -F- '{ e = NF > 1 ? $2 : $1; for (i = $1; i <= e; i++) printf "%d ", i }'; }
exists() { rt state "$1" >/dev/null 2>&1 && echo present || echo absent; }

root_lb_file=$CS/cpuset.sched_load_balance
case_setup() {
  root_lb_before=
  [ -f "$root_lb_file" ] && root_lb_before=$(cat "$root_lb_file")
}
# The containers go first, then the partitions this test made (v2 < 6.7).
case_teardown() {
  local id d
  for id in rt-dl-a rt-dl-b2 rt-dl-b3 rt-dl-c rt-dl-nopart; do
    rt delete -f "$id" >/dev/null 2>&1
  done
  for d in "$CS"/rtrun-test-rt-$$-*; do
    [ -d "$d" ] && rmdir "$d"/* "$d" 2>/dev/null
  done
  true
}

case_features_advertises() {
  check "features advertises DEADLINE root domains" "true" \
    "$("$RTRUN" features | jq -r '.annotations["org.rtrun.sched.deadline.rootDomain"]')"
}

case_no_partition_parent_refused() {
  [ "$LOCAL" = 1 ] || skip_case "only cgroup v2 before 6.7 lacks remote partitions"
  # The parent /rtrun-test-rt/deadline-PID cannot become the partition: its own parent is not
  # a partition root. The refusal names it and the engine options that fix it.
  dl_bundle "$CASE_TMP/nopart" "$DL_CPUS" 2000000 "$CG_PREFIX" sleep 300
  rc=0
  rt run -d --bundle "$CASE_TMP/nopart" rt-dl-nopart >/dev/null 2>"$TMP/np.err" || rc=$?
  check "v2 < 6.7: DEADLINE below a non-partition grandparent refused" "1" \
    "$([ "$rc" -ne 0 ] && echo 1 || echo 0)"
  check_contains "the refusal names the ancestor" "$(cat "$TMP/np.err")" \
    "its parent /rtrun-test-rt is not a partition root"
  check_contains "the refusal names the engine option" "$(cat "$TMP/np.err")" \
    "--cgroup-parent=/rtrun-rt-"
  check "refused: no partition left on the parent" "member" \
    "$(cat "$CS$CG_PREFIX/cpuset.cpus.partition" 2>/dev/null || echo member)"
}

# 1. acceptance: a detached busybox sleep with DEADLINE 2/10/10 ms on DL_CPUS.
start_a() {
  dl_bundle "$CASE_TMP/a" "$DL_CPUS" 2000000 "$(parent_for a "$DL_CPUS")" sleep 300
  rt_run_retry run -d --bundle "$CASE_TMP/a" rt-dl-a >"$TMP/a.out" 2>&1
  check "run -d DEADLINE container on CPUs $DL_CPUS" "running" "$(status_of rt-dl-a)"
}

# 1. and 2.; then 4. delete gives the CPUs back.
case_deadline_container() {
  start_a
  pid=$(rt state rt-dl-a | jq -r .pid)
  out=$(chrt_of "$pid")
  check_contains "chrt shows SCHED_DEADLINE" "$out" "SCHED_DEADLINE"
  check_contains "chrt shows 2000000/10000000/10000000" "$out" "2000000/10000000/10000000"
  check_contains "RESET_ON_FORK set by default" "$out" "RESET_ON_FORK"
  check "taskset shows the container's CPUs" "$(expand "$DL_CPUS")" \
    "$(expand "$(taskset -pc "$pid" | sed 's/.*: //')")"
  if ! [ "$(status_of rt-dl-a)" = running ]; then
    cat "$TMP/a.out"
  fi
  status=$("$RTRUN" cpus status --format json)
  check "cpus status: the container's CPUs are a root domain of their own" "$DL_CPUS" \
    "$(echo "$status" | jq -r ".cpus[] | select(.cpu == $(first_cpu "$DL_CPUS")) | .rootDomain")"
  check "cpus status lists the container's DEADLINE task" "2000000" \
    "$(echo "$status" | jq -r ".deadlineTasks[] | select(.pid == $pid) | .runtime")"

  # 2. a forked child goes back to SCHED_OTHER (exec with an explicit DEADLINE scheduler).
  cat >"$TMP/p.json" <<EOF
{"args": ["sh", "-c", "grep '^policy' /proc/\$\$/sched; cat /proc/self/sched | grep '^policy'"],
 "cwd": "/", "env": ["PATH=/bin"],
 "scheduler": {"policy": "SCHED_DEADLINE", "runtime": 1000000, "deadline": 10000000,
               "period": 10000000}}
EOF
  out=$(rt exec --process "$TMP/p.json" rt-dl-a 2>&1 | tr -s ' ' | tr '\n' ';')
  check "exec'd shell runs SCHED_DEADLINE, its forked cat SCHED_OTHER" \
    "policy : 6;policy : 0;" "$out"
  deleted_gives_back
}

# two containers on disjoint domains {2} and {3}
start_b2_b3() {
  dl_bundle "$CASE_TMP/b2" 2 2000000 "$(parent_for b2 2)" sleep 300
  dl_bundle "$CASE_TMP/b3" 3 2000000 "$(parent_for b3 3)" sleep 300
  rt_run_retry run -d --bundle "$CASE_TMP/b2" rt-dl-b2 >/dev/null 2>&1
  rt_run_retry run -d --bundle "$CASE_TMP/b3" rt-dl-b3 >/dev/null 2>&1
  p2=$(rt state rt-dl-b2 | jq -r .pid)
  p3=$(rt state rt-dl-b3 | jq -r .pid)
  check "container on {2} runs DEADLINE on CPU 2" "SCHED_DEADLINE 2" \
    "$(chrt -p "$p2" | grep -o 'SCHED_DEADLINE' | head -1) $(taskset -pc "$p2" | sed 's/.*: //')"
  check "container on {3} runs DEADLINE on CPU 3" "SCHED_DEADLINE 3" \
    "$(chrt -p "$p3" | grep -o 'SCHED_DEADLINE' | head -1) $(taskset -pc "$p3" | sed 's/.*: //')"
  status=$("$RTRUN" cpus status --format json)
  check "{2} and {3} are separate root domains" "2 3" \
    "$(echo "$status" | jq -r '[.cpus[] | select(.cpu == 2 or .cpu == 3) | .rootDomain] | join(" ")')"
}

case_disjoint_domains() {
  [ "$NCPU" -ge 4 ] || skip_case "needs 4 CPUs"
  start_b2_b3
  deleted_gives_back
}

# 3. a request over the free bandwidth of a one-CPU root domain (8 ms of 10 ms beside 2 ms) is
# refused with the numbers.
case_oversubscription_refused() {
  one=$LAST
  if [ "$NCPU" -ge 4 ]; then
    start_b2_b3
    one=3
  else
    start_a
  fi
  cparent=$(parent_name "b$one")
  [ "$NCPU" -lt 4 ] && cparent=$(parent_name a)
  dl_bundle "$CASE_TMP/c" "$one" 8000000 "$cparent" sleep 300
  # The admission controller refuses it first, from its ledger...
  rc=0
  rt_run_retry run -d --bundle "$CASE_TMP/c" rt-dl-c >"$TMP/c.out" 2>"$TMP/c.err" || rc=$?
  err=$(cat "$TMP/c.err")
  check "over-subscription refused by admission" "1" "$([ "$rc" -ne 0 ] && echo 1 || echo 0)"
  check_contains "admission names the test, the CPU and the numbers" "$err" "> capacity 0."
  check_contains "admission names the CPU" "$err" "on CPU $one"
  check "refused by admission: nothing left (state)" "absent" "$(exists rt-dl-c)"
  # ...and when the ledger does not know the load (a separate, empty ledger stands for DEADLINE
  # tasks started outside rtrun), admission still counts it: the running container's DEADLINE
  # thread is bandwidth outside that ledger, charged to its root domain, and `admission status`
  # shows it.
  holder=rt-dl-a
  [ "$NCPU" -ge 4 ] && holder=rt-dl-b3
  hpid=$(rt state "$holder" | jq -r .pid)
  # the holder takes 2 ms of 10 ms: the capacity left is the host's minus 0.2
  left=$(printf '%.3f' "$(rt admission status --format json | jq '.host.capacity - 0.2')")
  rc=0
  RTRUN_ADMISSION_DIR=$TMP/blind-ledger rt_run_retry run -d --bundle "$CASE_TMP/c" rt-dl-c \
    >"$TMP/c.out" 2>"$TMP/c.err" || rc=$?
  err=$(cat "$TMP/c.err")
  check "over-subscription refused with a blind ledger" "1" "$([ "$rc" -ne 0 ] && echo 1 || echo 0)"
  check_contains "blind ledger: the outside bandwidth lowers the capacity" "$err" \
    "EDF: utilisation 0.800 > capacity $left on CPU $one"
  check_contains "blind ledger: status names the outside DEADLINE thread" \
    "$(RTRUN_ADMISSION_DIR=$TMP/blind-ledger rt admission status)" \
    "DEADLINE outside the ledger: pid $hpid tid $hpid"
  check "refused container left nothing behind (state)" "absent" "$(exists rt-dl-c)"
  check "refused container left nothing behind (cgroup)" "" \
    "$(cgroup_dirs "$cparent/c"; [ -d "/sys/fs/cgroup$cparent/c" ] && echo left)"
  check "refused container is not in rt's root-domain state" "" \
    "$(grep -s "^container.*$CG_PREFIX/c[[:space:]]" /run/rtrun/rt/rootdomain)"
  deleted_gives_back
}

# 4. delete gives the CPUs back; with no other DEADLINE container the host is as before.
deleted_gives_back() {
  for id in rt-dl-a rt-dl-b2 rt-dl-b3; do
    rt delete -f "$id" >/dev/null 2>&1
  done
  check "deleted containers are out of rt's root-domain state" "" \
    "$(grep -s "^container.*$CG_PREFIX/" /run/rtrun/rt/rootdomain)"
  if [ ! -s /run/rtrun/rt/rootdomain ] && [ -n "${root_lb_before:-}" ]; then
    check "root cpuset load balancing restored" "$root_lb_before" "$(cat "$root_lb_file")"
    check "rtrun-balance cpuset removed" "no" "$([ -d "$CS/rtrun-balance" ] && echo yes || echo no)"
  elif [ -n "${root_lb_before:-}" ]; then
    echo "# other DEADLINE containers hold root domains: host restore not checked here"
  fi
}

lib_run_cases "$@"
