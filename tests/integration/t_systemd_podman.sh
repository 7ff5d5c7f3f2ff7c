#!/bin/bash
# Podman at its default cgroup_manager = "systemd" with rtrun as its runtime (systemd as PID 1):
# Podman passes --systemd-cgroup and cgroupsPath "machine.slice:libpod:<id>", and every scenario
# here runs with runc too, the reference: each observed value must be runc's.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/systemd_lib.sh"
lib_init sdpodman
sd_require
for tool in podman conmon runc; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is missing (scripts/install-deps.sh)"; exit 77; }
done
PR=/run/rtrun-test-podman-$$
mkdir -p "$PR"
trap 'podman_cleanup; lib_cleanup' EXIT
pm() { # RUNTIME ARGS...: podman with its own storage (vfs, no network), its default cgroup manager
  local runtime=$1
  shift
  podman --root "$PR/storage" --runroot "$PR/run" --storage-driver vfs \
    --events-backend file --runtime "$runtime" "$@"
}
podman_cleanup() {
  pm "$RTRUN" rm -af -t 0 >/dev/null 2>&1 || true
  pm "$RTRUN" rmi -af >/dev/null 2>&1 || true
  rm -rf "$PR"
}

check "podman's default cgroup manager here is systemd" systemd "$(pm "$RTRUN" info --format '{{.Host.CgroupManager}}' 2>&1)"

# An image from a busybox-static rootfs, made offline.
"$RTRUN_SRC/scripts/mkbundle.sh" "$TMP/img" >/dev/null
tar -C "$TMP/img/rootfs" -c . | pm "$RTRUN" import - localhost/rtrun-bb >/dev/null ||
  { fail "podman import"; lib_done; exit 1; }

# What the container reads of its own limits, and where its freezer is, per layout.
if sd_v2; then
  LIMITS='cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max'
  CPUMAX='cat /sys/fs/cgroup/cpu.max'
  freeze_of() { cat "/sys/fs/cgroup/machine.slice/$1/cgroup.freeze"; }
else
  LIMITS='cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max'
  CPUMAX='cat /sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us'
  freeze_of() { cat "/sys/fs/cgroup/freezer/machine.slice/$1/freezer.state"; }
fi

# scenario RUNTIME: prints "name=value" lines, what a user sees of each step.
scenario() {
  local rtm=$1 out rc id pid scope
  out=$(pm "$rtm" run --rm --network none localhost/rtrun-bb echo hello 2>&1); rc=$?
  echo "run.rc=$rc run.out=$out"
  pm "$rtm" run --rm --network none localhost/rtrun-bb sh -c 'exit 7' >/dev/null 2>&1
  echo "exit.rc=$?"
  out=$(pm "$rtm" run --rm --network none --memory 64m --pids-limit 30 localhost/rtrun-bb \
    sh -c "$LIMITS" 2>&1)
  echo "limits=$(echo $out)"
  out=$(pm "$rtm" run --rm --network none --cpus 0.5 localhost/rtrun-bb sh -c "$CPUMAX" 2>&1)
  echo "cpu.max=$out"
  id=$(pm "$rtm" run -d --network none --name "sdp-$$" localhost/rtrun-bb sleep 1000 2>&1)
  echo "run-d.rc=$?"
  pid=$(pm "$rtm" inspect -f '{{.State.Pid}}' "sdp-$$")
  scope=libpod-$id.scope
  echo "cgroup=$(sed -e "s/$id/ID/" "/proc/$pid/cgroup")"
  echo "scope.active=$(sd_prop "$scope" ActiveState) scope.slice=$(sd_prop "$scope" Slice) delegate=$(sd_prop "$scope" Delegate)"
  echo "exec=$(pm "$rtm" exec "sdp-$$" sh -c 'echo in; exit 3' 2>&1) exec.rc=$?"
  pm "$rtm" pause "sdp-$$" >/dev/null 2>&1
  echo "paused=$(pm "$rtm" inspect -f '{{.State.Status}}' "sdp-$$") freeze=$(freeze_of "$scope")"
  pm "$rtm" unpause "sdp-$$" >/dev/null 2>&1
  echo "unpaused=$(pm "$rtm" inspect -f '{{.State.Status}}' "sdp-$$")"
  echo "stats.rc=$(pm "$rtm" stats --no-stream --format '{{.PIDs}}' "sdp-$$" >/dev/null 2>&1; echo $?)"
  pm "$rtm" stop -t 2 "sdp-$$" >/dev/null 2>&1
  echo "stopped=$(pm "$rtm" inspect -f '{{.State.Status}} {{.State.ExitCode}}' "sdp-$$")"
  pm "$rtm" rm "sdp-$$" >/dev/null 2>&1
  echo "rm.rc=$? scope.after=$(sd_load_state "$scope") dirs.after=$(ls -d /sys/fs/cgroup/machine.slice/"$scope" /sys/fs/cgroup/*/machine.slice/"$scope" 2>/dev/null | wc -l)"
}

scenario runc >"$TMP/runc.txt"
scenario "$RTRUN" >"$TMP/rtrun.txt"
echo "--- runc:"; cat "$TMP/runc.txt"; echo "--- rtrun:"; cat "$TMP/rtrun.txt"
check "runc's answers are the expected ones (the reference works here)" \
  "run.rc=0 run.out=hello" "$(grep ^run.rc "$TMP/runc.txt")"
while IFS= read -r line; do
  key=${line%%=*}
  check "podman (systemd manager) $key: rtrun as runc" "$line" "$(grep -m1 "^$key=" "$TMP/rtrun.txt")"
done <"$TMP/runc.txt"
check_contains "the container's scope is machine.slice/libpod-<id>.scope" "$(cat "$TMP/rtrun.txt")" \
  "cgroup=0::/machine.slice/libpod-ID.scope"
check_contains "limits reached the cgroup" "$(cat "$TMP/rtrun.txt")" "limits=67108864 30"
lib_done
