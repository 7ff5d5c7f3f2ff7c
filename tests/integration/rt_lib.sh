# Helpers for the t_rt_*.sh tests (source after lib.sh). They adapt to the host: the CPU count
# picks the CPUs (2 CPUs: "1"; 4 or more: "2-3", {2} and {3}), the cgroup layout picks v1/v2.
#   rt_init NAME            lib_init plus rt's own --root and cgroup prefix
#   rt_bundle DIR ARGS...   busybox bundle (lib.sh make_bundle) in $CG_PREFIX/<basename DIR>
#   rt_run_retry ID ARGS    `rtrun ARGS` retried while another helper's cpuset overlaps
#   cpuset_mount            the cpuset hierarchy (v1 dir or the v2 root), or nothing

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rt_init() {
  lib_init "$1"
  ROOT=/run/rtrun-test-rt/$1-$$
  CG_PREFIX=/rtrun-test-rt/$1-$$
  mkdir -p /run/rtrun-test-rt
  NCPU=$(nproc --all)
  LAST=$((NCPU - 1))
  if [ "$NCPU" -ge 4 ]; then
    DL_CPUS="2-3"
  else
    DL_CPUS="$LAST"
  fi
  trap rt_cleanup EXIT
}

rt_cleanup() {
  lib_cleanup
  local d
  for d in /sys/fs/cgroup/rtrun-test-rt-$$-*; do # top-level partitions (v2 < 6.7)
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  for d in /sys/fs/cgroup/*/rtrun-test-rt /sys/fs/cgroup/rtrun-test-rt; do
    [ -d "$d" ] && rmdir "$d" 2>/dev/null
  done
  rmdir /run/rtrun-test-rt 2>/dev/null || true
}

cpuset_mount() {
  if [ -f /sys/fs/cgroup/cpuset/cpuset.cpus ]; then
    echo /sys/fs/cgroup/cpuset
  elif grep -qw cpuset /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
    echo /sys/fs/cgroup
  fi
}

rt_bundle() {
  make_bundle "$@"
  # Not what these tests are about, and raising ambient capabilities fails on some hosts.
  bundle_set "$1" 'del(.process.capabilities.ambient)'
}

# Other tenants of this host (or other tests) may create load-balanced cpusets over our CPUs
# at any time; rtrun then refuses with their names. Retry a while before calling it a failure.
rt_run_retry() {
  local i rc
  for i in $(seq 1 20); do
    rc=0
    rt "$@" >"$TMP/retry.out" 2>"$TMP/retry.err" || rc=$?
    if [ "$rc" -eq 0 ] || ! grep -qE 'balance load over|narrower than root domain' "$TMP/retry.err"; then
      cat "$TMP/retry.err" >&2
      return "$rc"
    fi
    echo "# retry $i: $(head -c 300 "$TMP/retry.err")"
    sleep 2
  done
  cat "$TMP/retry.err" >&2
  return "$rc"
}

# policy/priority/params as chrt prints them for PID, on one line.
chrt_of() {
  chrt -p "$1" 2>&1 | tr '\n' ' '
}
