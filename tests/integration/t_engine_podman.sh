#!/bin/bash
# The Podman engine matrix: real Podman (cgroupfs manager, vfs storage, every path of its own
# under this test's temp dir, so the host's Podman state is untouched) drives rtrun through the
# scenarios users depend on, each also run with runc in the same test as the reference: the test
# fails where rtrun's result differs from runc's. Then rtrun's own: a reservation granted,
# compressed, refused (the reason printed by podman) and released, and the docs/engines.md
# Podman commands run as written. Images are built offline: `podman import` of a busybox-static
# rootfs tarball.
#
# This host's bounding set lacks CAP_SYS_RESOURCE, so Podman's default RLIMIT_NOFILE/NPROC of
# 1048576 fails with runc and rtrun alike: containers.conf sets default_ulimits under the limits.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/engine_lib.sh"
engine_init podman podman runc
CGP=/rtrun-test-engine/podman-$$
mkdir -p "$W/tmp"
cat >"$W/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$W/storage"
runroot = "$W/runroot"
EOF
# This test's settings of containers.conf's [engine] and [containers] sections.
engine_settings() {
  cat <<EOF
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$W/events.log"
tmp_dir = "$W/tmp"
volume_path = "$W/volumes"
static_dir = "$W/storage/libpod"
EOF
}
containers_settings() {
  printf 'default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]\nnetns = "none"\n'
}
{
  printf '[containers]\n'
  containers_settings
  printf '\n[engine]\n'
  engine_settings
} >"$W/containers.conf"
export CONTAINERS_CONF=$W/containers.conf CONTAINERS_STORAGE_CONF=$W/storage.conf

podman_cleanup() {
  podman rm -af -t 0 >/dev/null 2>&1
  declare -F engine_rt_undebugfs >/dev/null && engine_rt_undebugfs
  podman system reset -f >/dev/null 2>&1
  # the docs' commands use Podman's default parent; empty, it goes
  engine_release libpod_parent
  lib_cleanup
}
trap podman_cleanup EXIT

engine_fixtures
engine_rootfs "$W/rootfs"
tar -C "$W/rootfs" -cf "$W/rootfs.tar" . || exit 1
podman import -q "$W/rootfs.tar" "$IMG" >/dev/null || {
  echo "FAIL: podman import"
  exit 1
}

# Podman with a runtime: pr RUNTIME SUBCOMMAND ARGS...
pr() {
  local rt=$1 sub=$2
  shift 2
  case $sub in
  run | create) podman --runtime "$rt" "$sub" --cgroup-parent "$CGP" "$@" ;;
  *) podman --runtime "$rt" "$sub" "$@" ;;
  esac
}
rc_of() { "$@" >/dev/null 2>&1; echo "rc=$?"; }

s_exit() { pr "$1" run --rm "$IMG" sh -c 'echo out; exit 7'; echo "rc=$?"; }
s_env_user_cwd() {
  pr "$1" run --rm -e FOO=bar -u 1000:1000 -w /home/user "$IMG" \
    sh -c 'echo $FOO; id; pwd; echo $HOME'
}
s_stdin() { echo hello-stdin | pr "$1" run --rm -i "$IMG" sh -c 'cat; echo done'; }
s_tty() { pr "$1" run --rm -t "$IMG" sh -c '[ -t 1 ] && echo tty; tty | cut -c1-8'; }
s_readonly() {
  pr "$1" run --rm --read-only "$IMG" sh -c 'touch /x 2>/dev/null; echo root rc=$?
    cat /tmp/seed /run/seed; touch /tmp/y /var/tmp/y /run/y && echo tmp writable
    stat -c "%a" /tmp /var/tmp; grep -E " /(tmp|run|var/tmp) " /proc/mounts | cut -d" " -f2,3 | sort'
}
s_tmpfs() {
  pr "$1" run --rm --tmpfs /data:size=1m,mode=1770 --tmpfs /tmp "$IMG" sh -c \
    'stat -c "%a" /data; cat /tmp/seed; grep -E " /(data|tmp) " /proc/mounts | cut -d" " -f2,3,4 | sort'
}
s_caps() {
  pr "$1" run --rm --cap-drop all --cap-add NET_ADMIN,SYS_TIME "$IMG" sh -c 'grep ^Cap /proc/self/status'
}
s_seccomp() {
  pr "$1" run --rm --security-opt seccomp="$W/seccomp.json" "$IMG" sh -c \
    'mkdir /tmp/d 2>&1 | sed "s/.*: //"; touch /tmp/f && echo touch ok'
}
s_rlimits() { pr "$1" run --rm --ulimit nofile=512:900 --ulimit nproc=300:400 "$IMG" sh -c 'ulimit -n; ulimit -Hn; ulimit -u'; }
s_sysctl() {
  pr "$1" run --rm --sysctl net.ipv4.ip_forward=1 --sysctl kernel.msgmax=12345 "$IMG" sh -c \
    'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax'
}
s_binds() {
  pr "$1" run --rm -v "$W/bind:/b:ro" -v "$W/hostfile:/etc/hf" "$IMG" sh -c \
    'cat /b/f /etc/hf; touch /b/x 2>/dev/null; echo ro rc=$?; grep " /b " /proc/mounts | cut -d" " -f4 | cut -d, -f1'
}
s_oom() {
  pr "$1" run --name "oom-$2" --memory 32m --memory-swap 32m "$IMG" sh -c 'tail /dev/zero'
  echo "rc=$?"
  podman inspect --format '{{.State.OOMKilled}} {{.State.ExitCode}}' "oom-$2"
  podman rm -f "oom-$2" >/dev/null
}
s_memory() {
  pr "$1" run --rm --memory 64m "$IMG" sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max'
}
s_cpuset() { pr "$1" run --rm --cpuset-cpus 0 "$IMG" sh -c 'grep Cpus_allowed_list /proc/self/status'; }
s_cpuquota() {
  pr "$1" run --rm --cpus 0.5 "$IMG" sh -c \
    'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us 2>/dev/null || cat /sys/fs/cgroup/cpu.max'
}
s_pids() {
  pr "$1" run --rm --pids-limit 8 "$IMG" sh -c 'cat /sys/fs/cgroup/pids/pids.max
    (for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 5 & done) 2>/dev/null; echo "spawn rc=$?"
    echo "current $(cat /sys/fs/cgroup/pids/pids.current)"'
}
s_exec() {
  local n=exec-$2
  pr "$1" run -d --name "$n" -e BASE=1 "$IMG" sleep 1000 >/dev/null
  pr "$1" exec "$n" sh -c 'exit 5'
  echo "exec rc=$?"
  pr "$1" exec -e A=1 "$n" sh -c 'echo A=$A BASE=$BASE'
  pr "$1" exec -u 1000 "$n" id
  pr "$1" exec -w /tmp "$n" pwd
  pr "$1" exec -t "$n" sh -c '[ -t 0 ] && echo exec tty'
  echo piped | pr "$1" exec -i "$n" cat
  podman top "$n" args
  podman ps --filter name="$n" --format '{{.Names}} {{.Command}}'
  podman inspect --format '{{.State.Status}}' "$n"
  podman rm -f -t 0 "$n" >/dev/null
}
s_pause() {
  local n=pause-$2
  pr "$1" run -d --name "$n" "$IMG" sleep 1000 >/dev/null
  pr "$1" pause "$n" >/dev/null
  podman inspect --format '{{.State.Status}}' "$n"
  cat "$(find /sys/fs/cgroup/freezer"$CGP" -maxdepth 2 -name 'libpod-*' -type d | head -1)/freezer.state" 2>/dev/null
  pr "$1" unpause "$n" >/dev/null
  podman inspect --format '{{.State.Status}}' "$n"
  podman rm -f -t 0 "$n" >/dev/null
}
s_logs() {
  local n=logs-$2
  pr "$1" run -d --name "$n" "$IMG" sh -c 'echo to-out; echo to-err >&2; exit 3' >/dev/null
  podman wait "$n"
  podman logs "$n" 2>&1 | sort
  podman rm -f "$n" >/dev/null
}
s_stop() {
  local n=stop-$2
  pr "$1" run -d --name "$n" "$IMG" sh -c 'trap "" TERM; while :; do sleep 0.1; done' >/dev/null
  sleep 0.3
  pr "$1" stop -t 1 "$n" >/dev/null
  podman inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$n"
  pr "$1" start "$n" >/dev/null
  pr "$1" kill -s TERM "$n" >/dev/null
  sleep 0.5
  podman inspect --format '{{.State.Status}} after TERM (ignored)' "$n"
  pr "$1" kill "$n" >/dev/null
  podman wait "$n"
  podman rm -f "$n" >/dev/null
}
s_restart() {
  local n=restart-$2 p1 p2
  pr "$1" run -d --name "$n" "$IMG" sleep 1000 >/dev/null
  p1=$(podman inspect --format '{{.State.Pid}}' "$n")
  pr "$1" restart -t 1 "$n" >/dev/null
  p2=$(podman inspect --format '{{.State.Pid}}' "$n")
  podman inspect --format '{{.State.Status}}' "$n"
  [ "$p1" != "$p2" ] && [ "$p2" -gt 0 ] && echo "new process"
  pr "$1" rm -f "$n" >/dev/null
  podman ps -a --filter name="$n" --format '{{.Names}}' | wc -l
}
s_create_start_wait() {
  local n=csw-$2
  pr "$1" create --name "$n" "$IMG" sh -c 'echo started; exit 3' >/dev/null
  podman inspect --format '{{.State.Status}}' "$n"
  pr "$1" start "$n" >/dev/null
  podman wait "$n"
  podman logs "$n"
  podman rm "$n" >/dev/null
}
s_stats_update() {
  local n=stats-$2 cg
  pr "$1" run -d --name "$n" --memory 64m "$IMG" sleep 1000 >/dev/null
  podman stats --no-stream --format '{{.PIDs}} {{.MemLimit}}' "$n"
  pr "$1" update --cpus 0.25 --memory 96m "$n" >/dev/null && echo updated
  cg=$(find /sys/fs/cgroup/cpu"$CGP" -maxdepth 1 -name 'libpod-*' -type d | head -1)
  cat "$cg/cpu.cfs_quota_us"
  cat "/sys/fs/cgroup/memory${cg#/sys/fs/cgroup/cpu}/memory.limit_in_bytes"
  podman rm -f -t 0 "$n" >/dev/null
}


engine_common_scenarios
scenario stdin s_stdin
scenario exec-top-ps s_exec
scenario pause-unpause s_pause
scenario logs s_logs
scenario stop-kill s_stop
scenario restart-rm s_restart
scenario create-start-wait s_create_start_wait
scenario stats-update s_stats_update

# Podman parses --annotation as CSV: the JSON's commas and quotes need CSV quoting.
rt_start() {
  local n=$1 crit=$2 runtime=$3 min=${4:-} sched
  sched="\"org.rtrun.scheduler={\"\"policy\"\":\"\"SCHED_DEADLINE\"\",\"\"runtime\"\":$runtime,\"\"deadline\"\":10000000,\"\"period\"\":10000000}\""
  local extra=()
  [ -n "$min" ] && extra=(--annotation "org.rtrun.elastic.min-runtime=$min")
  pr "$RTRUN" run -d --name "rt-$n" --cpuset-cpus 1 --annotation "org.rtrun.criticality=$crit" \
    --annotation "$sched" "${extra[@]}" "$IMG" sleep 1000 >"$TMP/$n.id" 2>"$TMP/$n.err"
}
rt_remove() { podman rm -f -t 0 "rt-$1" >/dev/null 2>&1; }
rt_cpus() { echo 1; }
rt_ledger_name() { cat "$TMP/$1.id"; }
# Podman 4 passes no name of its own: the table shows the 12 characters of `podman ps`.
rt_shown_name() { cut -c1-12 "$TMP/$1.id"; }
. "$HERE/engine_rt.sh"

# docs/engines.md's Podman commands, as written.
out=$(eval "$(doc_cmd podman-one)" 2>&1)
check "docs: podman-one" "$(printf 'Cpus_allowed_list:\t1')" "$out"
out=$(eval "$(doc_cmd podman-reservation)" 2>&1 | tr -s ' ')
check "docs: podman-reservation runs with SCHED_DEADLINE" "policy : 6" "$out"
# The installed drop-in (the build's copy, its binary path made this build's) as the only
# containers.conf, with this test's own settings added to its sections.
dropin=$RTRUN_BUILD/engines/rtrun.conf
{
  engine_settings |
    sed -e "s|\"[^\"]*/rtrun\"|\"$RTRUN\"|" -e '/^\[engine\]$/r /dev/stdin' "$dropin"
  printf '\n[containers]\n'
  containers_settings
} >"$W/dropin.conf"
out=$(CONTAINERS_CONF=$W/dropin.conf eval "$(doc_cmd podman-default)" 2>&1)
check "docs: podman-default with the drop-in" hello "$out"
id=$(CONTAINERS_CONF=$W/dropin.conf podman create "$IMG" true)
check "the drop-in makes rtrun the runtime" rtrun \
  "$(CONTAINERS_CONF=$W/dropin.conf podman inspect --format '{{.OCIRuntime}}' "$id")"
CONTAINERS_CONF=$W/dropin.conf podman rm -f "$id" >/dev/null

scenario_table
lib_done
