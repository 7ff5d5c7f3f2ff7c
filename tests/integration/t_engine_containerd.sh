#!/bin/bash
# The containerd engine matrix: a real containerd started by this test (its own root, state,
# socket and config; the CRI plugin off, nothing of the host's containerd touched) runs
# containers through the io.containerd.runc.v2 shim, driven by `ctr`, with the shim's binary
# (BinaryName, `ctr run --runc-binary`) set to runc for the reference and to rtrun; the test
# fails where rtrun's result differs from runc's. Scenarios ctr has no flag for are given as a
# full spec (`ctr run --config`, made from `ctr oci spec`). Then rtrun's own reservations
# (engine_rt.sh) and the docs/engines.md ctr command as written. The image is built offline: an
# OCI image layout of a busybox-static rootfs, `ctr image import`ed.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/engine_lib.sh"
engine_init containerd containerd ctr containerd-shim-runc-v2 runc sha256sum
SOCK=$W/containerd.sock
NS=rtrun-test
CGP=/rtrun-test-engine/containerd-$$
cat >"$W/config.toml" <<EOF
version = 2
root = "$W/root"
state = "$W/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  address = "$SOCK.debug"
[metrics]
  address = ""
EOF
containerd --config "$W/config.toml" >"$W/containerd.log" 2>&1 &
CTRD_PID=$!

containerd_cleanup() {
  local id
  for id in $(c task ls -q 2>/dev/null); do c task kill -s SIGKILL "$id" >/dev/null 2>&1; done
  sleep 0.3
  for id in $(c task ls -q 2>/dev/null); do c task rm -f "$id" >/dev/null 2>&1; done
  for id in $(c container ls -q 2>/dev/null); do c container rm "$id" >/dev/null 2>&1; done
  declare -F engine_rt_undebugfs >/dev/null && engine_rt_undebugfs
  # Shims of this test's containerd (named by its socket) and what they run outlive it.
  local p cg
  for cg in /sys/fs/cgroup/pids"$CGP"/*/cgroup.procs; do
    [ -f "$cg" ] && xargs -r kill -9 <"$cg" 2>/dev/null
  done
  for p in /proc/[0-9]*; do
    if { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -q -- "-address $SOCK "; then
      kill -9 "${p#/proc/}" 2>/dev/null
    fi
  done
  kill "$CTRD_PID" 2>/dev/null
  wait "$CTRD_PID" 2>/dev/null
  # and the docs' ctr command's default cgroup, /NAMESPACE/ID
  engine_release "$NS"
  lib_cleanup
}
trap containerd_cleanup EXIT

# Every ctr call is bounded: a hung one must not hold the host lock.
c() { timeout 40 ctr -a "$SOCK" -n "$NS" "$@"; }
wait_until 20 c version || {
  echo "FAIL: containerd did not start: $(tail -5 "$W/containerd.log")"
  exit 1
}

# An OCI image layout: one uncompressed layer, its config and manifest, an index naming it.
oci_layout() {
  local dir=$1 rootfs=$2 layer cfg man
  mkdir -p "$dir/blobs/sha256"
  tar -C "$rootfs" -cf "$dir/layer.tar" . || return 1
  layer=$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
  mv "$dir/layer.tar" "$dir/blobs/sha256/$layer"
  jq -cn --arg l "sha256:$layer" '{architecture: "amd64", os: "linux",
    config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
             Cmd: ["sh"]},
    rootfs: {type: "layers", diff_ids: [$l]}}' >"$dir/cfg.json"
  cfg=$(sha256sum "$dir/cfg.json" | cut -d' ' -f1)
  mv "$dir/cfg.json" "$dir/blobs/sha256/$cfg"
  jq -cn --arg c "sha256:$cfg" --arg l "sha256:$layer" \
    --argjson cs "$(stat -c %s "$dir/blobs/sha256/$cfg")" \
    --argjson ls "$(stat -c %s "$dir/blobs/sha256/$layer")" '{schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
    layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls}]}' \
    >"$dir/man.json"
  man=$(sha256sum "$dir/man.json" | cut -d' ' -f1)
  jq -cn --arg m "sha256:$man" --argjson ms "$(stat -c %s "$dir/man.json")" '{schemaVersion: 2,
    manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m,
                 size: $ms, platform: {architecture: "amd64", os: "linux"},
                 annotations: {"io.containerd.image.name": "localhost/rtrun-bb:1",
                               "org.opencontainers.image.ref.name": "1"}}]}' >"$dir/index.json"
  mv "$dir/man.json" "$dir/blobs/sha256/$man"
  echo '{"imageLayoutVersion": "1.0.0"}' >"$dir/oci-layout"
  tar -C "$dir" -cf "$dir.tar" oci-layout index.json blobs
}
engine_fixtures
engine_rootfs "$W/rootfs"
oci_layout "$W/layout" "$W/rootfs" || exit 1
c image import --snapshotter native "$W/layout.tar" >/dev/null 2>"$W/import.err" || {
  echo "FAIL: ctr image import: $(cat "$W/import.err")"
  exit 1
}
# ctr's default spec has no environment; images give PATH (without it runc cannot find "sh").
c oci spec | jq '.process.env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]' \
  >"$W/spec.json"

# cr RUNTIME ID ARGS...: ctr run with the shim's binary set to RUNTIME, in this test's cgroup.
cr() {
  local rt=$1 id=$2
  shift 2
  local opts=() args=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  c run --snapshotter native --runc-binary "$rt" --cgroup "$CGP/$id" "${opts[@]}" "$IMG" "$id" "$@"
}
# spec_run RUNTIME ID JQ: ctr run --config with ctr's default spec edited by JQ (with a spec
# ctr takes no image: the root is the unpacked busybox tree, read-only).
spec_run() {
  local rt=$1 id=$2 f=$W/spec-$2.json
  jq --arg cg "$CGP/$id" --arg root "$W/rootfs" \
    ".linux.cgroupsPath = \$cg | .root = {path: \$root, readonly: true} | $3" "$W/spec.json" >"$f"
  c run --rm --runc-binary "$rt" --config "$f" "$id"
}

s_exit() { cr "$1" "exit-$2" --rm -- sh -c 'echo out; exit 7'; echo "rc=$?"; }
s_env_user_cwd() {
  cr "$1" "env-$2" --rm --env FOO=bar --cwd /home/user -- sh -c 'echo $FOO; pwd'
  spec_run "$1" "user-$2" '.process.user = {uid: 1000, gid: 1000, additionalGids: [10]}
    | .process.args = ["sh", "-c", "id"]'
}
s_tty() {
  script -qec "ctr -a $SOCK -n $NS run --rm -t --snapshotter native --runc-binary $1 --cgroup $CGP/tty-$2 $IMG tty-$2 sh -c '[ -t 1 ] && echo tty; tty | cut -c1-8; sleep 0.3'" /dev/null </dev/null
}
s_readonly() {
  cr "$1" "ro-$2" --rm --read-only \
    --mount "type=tmpfs,src=tmpfs,dst=/tmp,options=rw:nosuid:nodev:tmpcopyup" -- sh -c \
    'touch /x 2>/dev/null; echo root rc=$?; cat /tmp/seed; touch /tmp/y && echo tmp writable'
}
s_tmpfs() {
  cr "$1" "tmpfs-$2" --rm --mount "type=tmpfs,src=tmpfs,dst=/data,options=size=1m:mode=1770" -- \
    sh -c 'stat -c "%a" /data; grep " /data " /proc/mounts | cut -d" " -f2,3,4'
}
s_caps() {
  cr "$1" "caps-$2" --rm --cap-drop CAP_CHOWN --cap-add CAP_SYS_TIME -- sh -c 'grep ^Cap /proc/self/status'
}
s_seccomp() {
  cr "$1" "sec-$2" --rm --seccomp --seccomp-profile "$W/seccomp.json" -- \
    sh -c 'mkdir /tmp/d 2>&1 | sed "s/.*: //"; touch /tmp/f && echo touch ok'
}
s_rlimits() {
  spec_run "$1" "rlim-$2" '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 512, hard: 900},
    {type: "RLIMIT_NPROC", soft: 300, hard: 400}]
    | .process.args = ["sh", "-c", "ulimit -n; ulimit -Hn; ulimit -u"]'
}
s_sysctl() {
  spec_run "$1" "sysctl-$2" '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.msgmax": "12345"}
    | .process.args = ["sh", "-c", "cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax"]'
}
s_binds() {
  cr "$1" "bind-$2" --rm --mount "type=bind,src=$W/bind,dst=/b,options=rbind:ro" \
    --mount "type=bind,src=$W/hostfile,dst=/etc/hf,options=bind" -- \
    sh -c 'cat /b/f /etc/hf; touch /b/x 2>/dev/null; echo ro rc=$?'
}
# in_cgroup RUNTIME ID FILE... -- OPTS: runs `sleep 1000` with OPTS, prints each of its cgroup
# FILEs (CONTROLLER/FILE, read on the host: ctr's spec mounts no cgroup filesystem), removes it.
in_cgroup() {
  local rt=$1 id=$2 f files=()
  shift 2
  while [ "$1" != -- ]; do files+=("$1"); shift; done
  shift
  cr "$rt" "$id" -d "$@" -- sleep 1000 >/dev/null
  for f in "${files[@]}"; do cat "/sys/fs/cgroup/${f%%/*}$CGP/$id/${f#*/}"; done
  c task kill -s SIGKILL "$id"
  wait_until 5 sh -c "ctr -a $SOCK -n $NS task ls | grep -q '^$id .*STOPPED'"
  c task rm "$id" >/dev/null
  c container rm "$id"
}
s_memory() { in_cgroup "$1" "mem-$2" memory/memory.limit_in_bytes -- --memory-limit 67108864; }
s_oom() {
  spec_run "$1" "oom-$2" '.linux.resources.memory = {limit: 33554432, swap: 33554432}
    | .process.args = ["tail", "/dev/zero"]'
  echo "rc=$?"
}
s_cpuset() {
  spec_run "$1" "cpuset-$2" '.linux.resources.cpu.cpus = "0"
    | .process.args = ["grep", "Cpus_allowed_list", "/proc/self/status"]'
}
s_cpuquota() {
  in_cgroup "$1" "quota-$2" cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us -- --cpus 0.5
}
s_pids() {
  spec_run "$1" "pids-$2" '.linux.resources.pids = {limit: 8}
    | .process.args = ["sh", "-c", "exec 2>/dev/null; (for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 5 & done) 2>/dev/null; echo spawn rc=$?; set -- /proc/[0-9]*; echo processes $#"]'
}
s_exec() {
  local n=exec-$2
  cr "$1" "$n" -d --env BASE=1 -- sleep 1000 >/dev/null
  c task exec --exec-id e1 "$n" sh -c 'exit 5'
  echo "exec rc=$?"
  c task exec --exec-id e2 "$n" sh -c 'echo BASE=$BASE'
  c task exec --exec-id e3 --user 1000 "$n" id
  c task exec --exec-id e4 --cwd /tmp "$n" pwd
  script -qec "ctr -a $SOCK -n $NS task exec -t --exec-id e5 $n sh -c '[ -t 0 ] && echo exec tty'" /dev/null </dev/null
  c task ps "$n" | awk 'NR > 1 {n++} END {print n " process"}'
  c task ls | awk -v n="$n" '$1 == n {print $3}'
}
s_pause() {
  local n=exec-$2 # the container of s_exec, still running
  c task pause "$n"
  c task ls | awk -v n="$n" '$1 == n {print $3}'
  cat "/sys/fs/cgroup/freezer$CGP/$n/freezer.state"
  c task resume "$n"
  c task ls | awk -v n="$n" '$1 == n {print $3}'
}
# ctr 1.6 has no `task update` (the Update call is the CRI's and Podman's: t_engine_podman.sh).
s_metrics() {
  local n=exec-$2
  c task metrics "$n" | awk '$1 == "pids.current" || $1 == "memory.limit_in_bytes" {print $1, $2}'
}
s_kill_rm() {
  local n=exec-$2
  c task kill -s SIGTERM "$n"
  sleep 0.5
  c task ls | awk -v n="$n" '$1 == n {print "after TERM (ignored by pid 1): " $3}'
  c task kill -s SIGKILL "$n"
  wait_until 5 sh -c "ctr -a $SOCK -n $NS task ls | grep -q '^$n .*STOPPED'"
  c task ls | awk -v n="$n" '$1 == n {print $3}'
  c task rm "$n" >/dev/null && c container rm "$n" && echo removed
  # a running one removed by force
  cr "$1" "rmf-$2" -d -- sleep 1000 >/dev/null
  c task rm -f "rmf-$2" >/dev/null && c container rm "rmf-$2" && echo force removed
  c container ls -q | grep -c -- "-$2\$"
}
s_logs() {
  local n=logs-$2
  cr "$1" "$n" -d --log-uri "file://$W/$n.log" -- sh -c 'echo to-out; echo to-err >&2' >/dev/null
  wait_until 5 sh -c "ctr -a $SOCK -n $NS task ls | grep -q '^$n .*STOPPED'"
  # The shim copies the two pipes to the file on its own: the task may be STOPPED before the
  # second line lands (seen once with runc as the binary).
  wait_until 5 sh -c "[ \$(wc -l <'$W/$n.log') -ge 2 ]"
  sort "$W/$n.log"
  c task rm "$n" >/dev/null
  c container rm "$n"
}

engine_common_scenarios
# No stdin scenario: ctr keeps the task's stdin open after its own reaches EOF (Podman's covers it).
scenario exec-ps s_exec
scenario pause-resume s_pause
scenario metrics s_metrics
scenario kill-rm s_kill_rm
# No create/start scenario: ctr 1.6 container create cannot set the shim binary (Podman's covers it).
scenario logs s_logs

# Reservations: containerd 1.6 parses the spec with runtime-spec 1.0 types and drops
# process.scheduler (spec 1.1), so the scheduler goes in the org.rtrun.scheduler annotation,
# as through the CRI; CPU 1 pinned.
rt_start() {
  local n=$1 crit=$2 runtime=$3 min=${4:-}
  jq --arg n "$n" --arg cg "$CGP/rt-$n" --arg root "$W/rootfs" --arg crit "$crit" --argjson rt "$runtime" --arg min "$min" '
    .linux.cgroupsPath = $cg | .root = {path: $root, readonly: true}
    | .process.args = ["sleep", "1000"]
    | .annotations["org.rtrun.scheduler"] = ({policy: "SCHED_DEADLINE", runtime: $rt,
                                              deadline: 10000000, period: 10000000} | tojson)
    | .linux.resources.cpu.cpus = "1"
    | .annotations["org.rtrun.criticality"] = $crit
    | .annotations["io.kubernetes.cri.sandbox-name"] = "drive"
    | .annotations["io.kubernetes.cri.container-name"] = $n
    | if $min != "" then .annotations["org.rtrun.elastic.min-runtime"] = $min else . end' \
    "$W/spec.json" >"$W/spec-rt-$n.json"
  c run -d --runc-binary "$RTRUN" --config "$W/spec-rt-$n.json" "rt-$n" >/dev/null 2>"$TMP/$n.err" && return 0
  c container rm "rt-$n" >/dev/null 2>&1
  return 1
}
rt_remove() {
  c task kill -s SIGKILL "rt-$1" >/dev/null 2>&1
  wait_until 5 sh -c "! ctr -a $SOCK -n $NS task ls | grep -q '^rt-$1 .*RUNNING'"
  c task rm -f "rt-$1" >/dev/null 2>&1
  c container rm "rt-$1" >/dev/null 2>&1
}
rt_cpus() { echo 1; }
rt_ledger_name() { echo "rt-$1"; }
# The CRI's annotations (set here by hand, as containerd's CRI plugin sets them): POD/CONTAINER.
rt_shown_name() { echo "drive/$1"; }
. "$HERE/engine_rt.sh"

# docs/engines.md's containerd commands, as written (ctr's address, namespace and snapshotter
# from its environment variables).
out=$(CONTAINERD_ADDRESS=$SOCK CONTAINERD_NAMESPACE=$NS CONTAINERD_SNAPSHOTTER=native \
  eval "$(doc_cmd ctr-reservation)" 2>&1 | tr -s ' ')
check "docs: ctr-reservation runs with SCHED_DEADLINE" "policy : 6" "$out"
printf 'version = 2\nimports = ["%s"]\n' "$RTRUN_BUILD/engines/containerd-rtrun.toml" >"$W/cri.toml"
out=$(eval "$(doc_cmd containerd-config | sed "s|containerd config dump|containerd --config $W/cri.toml config dump|")" 2>&1)
check_contains "docs: containerd-config: the shim" "$out" 'runtime_type = "io.containerd.runc.v2"'
check_contains "docs: containerd-config: BinaryName" "$out" \
  "BinaryName = $(grep -o '"[^"]*/rtrun"' "$RTRUN_BUILD/engines/containerd-rtrun.toml")"
check_contains "docs: containerd-config: SystemdCgroup" "$out" "SystemdCgroup = false"

[ -n "${ENGINE_KEEP:-}" ] && { echo "kept: ctr -a $SOCK -n $NS"; sleep "$ENGINE_KEEP"; }
scenario_table
lib_done
