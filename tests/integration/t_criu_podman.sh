#!/bin/bash
# `podman container checkpoint` / `podman container restore` with --runtime rtrun: a counter
# that writes to its stdout (conmon's pipes, handed over through descriptors.json) goes on
# from its checkpointed value after the restore; podman sees it running, then removes it.
# The container has `--network none`: a network namespace podman made and rtrun joins by path
# (extRootNetNS). VM lane only (tests/vm/criu.list, t_vm_criu.sh).
set -u
. "$(dirname "$0")/rt_lib.sh"
rt_init criupodman
. "$(dirname "$0")/criu_lib.sh"
. "$(dirname "$0")/engine_lib.sh"

for t in podman conmon; do
  command -v $t >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
[ -z "$CRIU_BROKEN" ] || { echo "SKIP: $CRIU_BROKEN"; exit 77; }
[ "${RTRUN_IN_VM:-}" = 1 ] || { echo "SKIP: podman with criu is left to the VM lane"; exit 77; }

P=(podman --root /run/rtrun-test-podman-criu/root --runroot /run/rtrun-test-podman-criu/run
  --storage-driver vfs --cgroup-manager cgroupfs --events-backend file --runtime "$RTRUN")
podman_cleanup() {
  "${P[@]}" rm -f -t 0 pc >/dev/null 2>&1
  rm -rf /run/rtrun-test-podman-criu
  rt_cleanup
}
trap podman_cleanup EXIT

engine_rootfs "$TMP/img"
if ! tar -C "$TMP/img" -c . | "${P[@]}" import - localhost/rtrun-criu >"$TMP/import.out" 2>&1; then
  echo "FATAL: podman import failed: $(tail -3 "$TMP/import.out")"
  exit 1
fi
last() { "${P[@]}" logs pc 2>/dev/null | tail -n 1; }
lines() { "${P[@]}" logs pc 2>/dev/null | wc -l; }
wait_lines() { # more than N lines logged (60 s)
  local i
  for i in $(seq 1 300); do
    [ "$(lines)" -gt "$1" ] && return 0
    sleep 0.2
  done
  return 1
}
check_rc "podman run -d" 0 "${P[@]}" run -d --name pc --network none --log-driver k8s-file localhost/rtrun-criu \
  sh -c 'i=0; while true; do i=$((i+1)); echo $i; sleep 0.2; done'
wait_lines 2 || fail "no output from pc"
"${P[@]}" container checkpoint pc >"$TMP/ck.out" 2>&1
rc=$?
check "podman container checkpoint" 0 "$rc"
if [ "$rc" != 0 ]; then
  sed 's/^/# /' "$TMP/ck.out"
  criu_log_errors "$TMP/ck.out"
  lib_done
  exit 1
fi
check "podman: checkpointed (exited)" exited "$("${P[@]}" inspect -f '{{.State.Status}}' pc 2>/dev/null)"
v=$(last)
n=$(lines)
"${P[@]}" container restore pc >"$TMP/rs.out" 2>&1
rc=$?
check "podman container restore" 0 "$rc"
if [ "$rc" != 0 ]; then
  sed 's/^/# /' "$TMP/rs.out"
  criu_log_errors "$TMP/rs.out"
fi
check "podman: restored (running)" running "$("${P[@]}" inspect -f '{{.State.Status}}' pc 2>/dev/null)"
wait_lines "$n" || true
check "the restored counter writes $((v + 1)) next" "$((v + 1))" "$("${P[@]}" logs pc 2>/dev/null | sed -n "$((n + 1))p")"
check_rc "podman rm -f" 0 "${P[@]}" rm -f -t 0 pc
lib_done
