# Shared helpers for integration tests (source it). Every test gets its own --root, a temp dir
# and a trap that deletes its containers, cgroups and files, whatever happens.
#   lib_init NAME          as root, with RTRUN/RTRUN_SRC set (ctest does); else exit 77
#   rt ARGS...             rtrun --root $ROOT ARGS...
#   make_bundle DIR ARGS   busybox bundle (scripts/mkbundle.sh) with a per-test cgroup path
#   bundle_set DIR JQ      edit DIR/config.json with a jq expression
#   check NAME EXPECTED GOT / check_contains NAME HAYSTACK NEEDLE / check_rc NAME RC CMD...
#   lib_done               prints the summary; non-zero exit when a check failed
#
# Named cases: a script defines functions case_NAME (in the order they run) and ends with
# `lib_run_cases "$@"` instead of lib_done. Each case runs in a subshell of its own with a fresh
# $CASE_TMP; afterwards its containers, cgroups and files are removed, so a failed case leaves
# nothing for the next one. A script may define case_setup / case_teardown to run around each.
#   bash t_core_cli.sh --list                 the cases, one a line
#   bash t_core_cli.sh log_json spec          only those cases (also RTRUN_CASE=log_json,spec,
#   RTRUN_CASE=log_json ctest -R t_core_cli   which ctest passes through)

lib_fail_count=0
lib_pass_count=0

lib_init() {
  LIB_NAME=$1
  if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: needs root"
    exit 77
  fi
  : "${RTRUN_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
  : "${RTRUN_BUILD:=$RTRUN_SRC/build}"
  : "${RTRUN:=$RTRUN_BUILD/runtime/rtrun}"
  export RTRUN RTRUN_SRC RTRUN_BUILD
  for tool in jq busybox; do
    if ! command -v "$tool" >/dev/null; then
      echo "SKIP: $tool is missing (scripts/install-deps.sh)"
      exit 77
    fi
  done
  ROOT=/run/rtrun-test-core/$LIB_NAME-$$
  TMP=$(mktemp -d "/tmp/rtrun-test-core-$LIB_NAME.XXXXXX")
  CG_PREFIX=/rtrun-test-core/$LIB_NAME-$$
  HELPERS=$RTRUN_BUILD/tests/helpers
  trap lib_cleanup EXIT
}

rt() {
  "$RTRUN" --root "$ROOT" "$@"
}

# Deletes every container of this test's --root and the cgroup directories it created
# (deepest first), on every v1 hierarchy and v2.
lib_remove_containers() {
  lib_delete_containers
  lib_remove_cgroups
}

lib_delete_containers() {
  local id
  if [ -d "$ROOT" ]; then
    for id in $(rt list -q 2>/dev/null); do
      rt delete --force "$id" >/dev/null 2>&1 || true
    done
  fi
}

lib_remove_cgroups() {
  local d
  for d in /sys/fs/cgroup/"${CG_PREFIX#/}" /sys/fs/cgroup/*/"${CG_PREFIX#/}"; do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  return 0
}

lib_cleanup() {
  local d
  lib_remove_containers
  rm -rf "$ROOT"
  rmdir /run/rtrun-test-core 2>/dev/null || true
  for d in /sys/fs/cgroup/*/rtrun-test-core /sys/fs/cgroup/unified/rtrun-test-core; do
    [ -d "$d" ] && rmdir "$d" 2>/dev/null
  done
  rm -rf "$TMP"
}

# make_bundle DIR [ARGS...]: the container's cgroup is $CG_PREFIX/<basename DIR>.
make_bundle() {
  local dir=$1
  shift
  "$RTRUN_SRC/scripts/mkbundle.sh" "$dir" "$@" || {
    echo "FATAL: mkbundle $dir failed"
    exit 1
  }
  bundle_set "$dir" ".linux.cgroupsPath = \"$CG_PREFIX/$(basename "$dir")\""
}

bundle_set() {
  local dir=$1 expr=$2 tmp
  tmp=$(mktemp "$dir/config.json.XXXXXX")
  jq "$expr" <"$dir/config.json" >"$tmp" && mv "$tmp" "$dir/config.json"
}

pass() {
  lib_pass_count=$((lib_pass_count + 1))
  echo "ok   - $1"
}

fail() {
  lib_fail_count=$((lib_fail_count + 1))
  echo "FAIL - $1"
}

check() {
  local name=$1 expected=$2 got=$3
  if [ "$expected" == "$got" ]; then
    pass "$name"
  else
    fail "$name"
    echo "       expected: $(printf '%q' "$expected")"
    echo "       got:      $(printf '%q' "$got")"
  fi
}

check_contains() {
  local name=$1 haystack=$2 needle=$3
  if [[ "$haystack" == *"$needle"* ]]; then
    pass "$name"
  else
    fail "$name"
    echo "       expected to contain: $(printf '%q' "$needle")"
    echo "       got:                 $(printf '%q' "$haystack")"
  fi
}

# check_rc NAME EXPECTED_RC CMD...: runs CMD, compares its exit code.
check_rc() {
  local name=$1 expected=$2 rc=0
  shift 2
  "$@" >"$TMP/last.out" 2>"$TMP/last.err" || rc=$?
  if [ "$rc" -eq "$expected" ]; then
    pass "$name"
  else
    fail "$name"
    echo "       expected exit $expected, got $rc; stderr: $(head -c 500 "$TMP/last.err")"
  fi
}

# The status field of `rtrun state ID`, or "absent".
status_of() {
  local out
  if out=$(rt state "$1" 2>/dev/null); then
    jq -r .status <<<"$out"
  else
    echo absent
  fi
}

# wait_status ID STATUS [SECONDS]: polls `state` until ID has STATUS ("absent" too).
# Limits are wall-clock time: each round's command takes time of its own (a lot of it in the
# software-emulated VM lane), so counting rounds stretched a limit several times over.
wait_status() {
  local end=$((SECONDS + ${3:-10}))
  while [ "$(status_of "$1")" != "$2" ]; do
    [ "$SECONDS" -ge "$end" ] && return 1
    sleep 0.05
  done
}

# wait_until SECONDS CMD...: polls CMD every 50 ms (CMD's arguments are expanded once).
wait_until() {
  local end=$((SECONDS + $1))
  shift
  while ! "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -ge "$end" ] && return 1
    sleep 0.05
  done
}

# Cgroup directories of a container path on this host (one per mounted hierarchy).
cgroup_dirs() {
  local p=${1#/} d
  for d in /sys/fs/cgroup/*/"$p"; do
    [ -d "$d" ] && echo "$d"
  done
}

# True when PID is gone or a zombie (exited, waiting for whoever reaps it).
proc_gone() {
  local st
  st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 0
  [ -z "$st" ] || [ "$st" == Z ] || [ "$st" == X ]
}

# The case_* functions of the running script, in the order they are defined.
lib_cases() {
  grep -oE '^case_[A-Za-z0-9_]+ *\(\)' "$0" | sed -E 's/^case_//; s/ *\(\)$//' | grep -vxE 'setup|teardown'
}

# skip_case WHY: ends the running case as skipped (not counted as passed), naming what it lacks.
skip_case() {
  echo "skip - case $CASE: $1"
  echo "$lib_pass_count $lib_fail_count" >"$TMP/case.counts"
  touch "$TMP/case.skipped"
  exit 0
}

# lib_run_cases [--list | NAME...]: runs the cases named (arguments, else RTRUN_CASE, a comma-
# separated list, else all), each independent of the others, then lib_done.
lib_run_cases() {
  local all want c n skipped counts rc
  all=$(lib_cases)
  if [ "${1:-}" == --list ]; then
    echo "$all"
    exit 0
  fi
  if [ $# -gt 0 ]; then
    want="$*"
  else
    want=${RTRUN_CASE:-}
    want=${want//,/ }
  fi
  for c in $want; do
    if ! grep -qx -- "$c" <<<"$all"; then
      echo "FATAL: no case '$c' in $(basename "$0"); its cases: $(echo $all)"
      exit 2
    fi
  done
  [ -n "$want" ] || want=$all
  n=0
  skipped=0
  for c in $want; do
    n=$((n + 1))
    echo "# case $c"
    CASE=$c
    CASE_TMP=$TMP/case-$c
    mkdir -p "$CASE_TMP"
    rm -f "$TMP/case.counts" "$TMP/case.skipped"
    rc=0
    (
      lib_pass_count=0
      lib_fail_count=0
      ! declare -F case_setup >/dev/null || case_setup
      "case_$c"
      echo "$lib_pass_count $lib_fail_count" >"$TMP/case.counts"
    ) || rc=$?
    [ -e "$TMP/case.skipped" ] && skipped=$((skipped + 1))
    if counts=$(cat "$TMP/case.counts" 2>/dev/null); then
      lib_pass_count=$((lib_pass_count + ${counts% *}))
      lib_fail_count=$((lib_fail_count + ${counts#* }))
    else
      fail "case $c stopped before its end (exit $rc)"
    fi
    ! declare -F case_teardown >/dev/null || case_teardown
    lib_delete_containers
    # A helper library may check what a deleted container left (cgroups_lib.sh does).
    ! declare -F lib_case_leftovers >/dev/null || lib_case_leftovers
    lib_remove_cgroups
    rm -rf "$CASE_TMP"
  done
  CASE=
  echo "# $n case(s) run, $skipped skipped"
  # Every case skipped: the script skips (ctest's 77), it does not pass.
  if [ "$skipped" -eq "$n" ] && [ "$n" -gt 0 ]; then
    lib_done
    exit 77
  fi
  lib_done
}

lib_done() {
  echo "# $LIB_NAME: $lib_pass_count passed, $lib_fail_count failed"
  [ "$lib_fail_count" -eq 0 ]
}
