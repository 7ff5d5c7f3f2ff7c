#!/bin/bash
# The driving stack of bundles/ through Podman (cgroupfs manager, vfs storage, an image made
# with `podman import` from busybox-static + rtprobe) and containerd (ctr, the runc v2 shim
# with rtrun as its binary), on one CPU of a pure cgroup v2 host: Podman's default cgroup
# layout refused with the options that fix it; with a cgroup parent of their own
# (Podman --cgroup-parent, containerd's /NAMESPACE/ID) the three run SCHED_DEADLINE in one
# shared partition, a fourth is refused by admission, and removing them leaves no partition,
# no cgroup and no claim. It starts a containerd daemon and writes Podman storage, so it runs
# only in the VM lane (tests/vm/v2-stack.list).
set -u
. "$(dirname "$0")/rt_lib.sh"
rt_init engines
[ -n "${RTRUN_IN_VM:-}" ] || { echo "SKIP: runs only in the VM lane (starts containerd, writes Podman storage)"; exit 77; }
[ "$(cpuset_mount)" = /sys/fs/cgroup ] || { echo "SKIP: needs pure cgroup v2"; exit 77; }
for t in podman conmon containerd ctr containerd-shim-runc-v2; do
  command -v "$t" >/dev/null || { echo "SKIP: $t is missing (scripts/install-deps.sh)"; exit 77; }
done
PROBE=$RTRUN_BUILD/tests/helpers/rtprobe
CPU=$LAST
CS=/sys/fs/cgroup
export RTRUN_ADMISSION_DIR=$TMP/ledger

mkdir -p "$TMP/img"/{bin,dev,proc,sys,tmp,etc}
cp "$(command -v busybox)" "$TMP/img/bin/busybox"
for a in sh sleep cat; do ln -s busybox "$TMP/img/bin/$a"; done
cp "$PROBE" "$TMP/img/bin/rtprobe"
echo "root:x:0:0:root:/:/bin/sh" >"$TMP/img/etc/passwd"

# Podman's --annotation is a comma-separated list (CSV): a JSON value goes in double quotes,
# its own quotes doubled.
sched_annotation() { # ROLE
  local v
  v=$(jq -c '.process.scheduler' "$RTRUN_SRC/bundles/$1/config.json")
  echo "\"org.rtrun.scheduler=${v//\"/\"\"}\""
}
criticality() { jq -r '.annotations["org.rtrun.criticality"]' "$RTRUN_SRC/bundles/$1/config.json"; }
deadline_on_cpu() { # PID: "SCHED_DEADLINE CPU"
  echo "$(chrt -p "$1" 2>&1 | grep -o SCHED_DEADLINE | head -1) $(taskset -pc "$1" 2>&1 | sed 's/.*: //')"
}
no_leftovers() { # NAME PARENT
  check "$1: no partition cgroup left" "absent" "$([ -e "$CS$2" ] && echo present || echo absent)"
  check "$1: no partition left anywhere" "" \
    "$(grep -l '^root' $(find "$CS" -name cpuset.cpus.partition 2>/dev/null) 2>/dev/null)"
  check "$1: no root-domain claim left" "" "$(cat /run/rtrun/rt/rootdomain 2>/dev/null)"
}

# ---- Podman ----
P=(podman --root /run/rtrun-test-podman/root --runroot /run/rtrun-test-podman/run --storage-driver vfs
  --cgroup-manager cgroupfs --events-backend file --runtime "$RTRUN")
if ! tar -C "$TMP/img" -c . | "${P[@]}" import - localhost/rtrun-stack >"$TMP/import.out" 2>&1; then
  echo "FATAL: podman import failed: $(tail -3 "$TMP/import.out")"
  exit 1
fi
prun() { # ROLE NAME ARGS...
  local role=$1 name=$2
  shift 2
  local extra=()
  [ "$role" = perception ] && extra=(--annotation org.rtrun.elastic.min-runtime=10000000)
  "${P[@]}" run -d --name "$name" --network none --cpuset-cpus "$CPU" "$@" \
    --annotation "org.rtrun.criticality=$(criticality "$role")" --annotation "$(sched_annotation "$role")" \
    "${extra[@]}" localhost/rtrun-stack sleep 600
}
rc=0
prun control p-default >/dev/null 2>"$TMP/p-default.err" || rc=$?
"${P[@]}" rm -f -t 0 p-default >/dev/null 2>&1
err=$(cat "$TMP/p-default.err")
check "podman, default cgroup layout: refused" "1" "$([ "$rc" -ne 0 ] && echo 1 || echo 0)"
check_contains "the refusal names the cgroup conmon shares" "$err" "also holds /libpod_parent/conmon"
check_contains "the refusal names the Podman options" "$err" "--cgroup-parent=/rtrun-rt-$CPU --cgroups=no-conmon"

for role in control planning perception; do
  prun "$role" "p-$role" --cgroup-parent "/rtrun-rt-$CPU" --cgroups no-conmon >/dev/null 2>"$TMP/p-$role.err" ||
    sed 's/^/# /' "$TMP/p-$role.err"
  pid=$("${P[@]}" inspect -f '{{.State.Pid}}' "p-$role" 2>/dev/null)
  check "podman $role: SCHED_DEADLINE on CPU $CPU" "SCHED_DEADLINE $CPU" "$(deadline_on_cpu "${pid:-0}")"
  check "podman $role: below the CPU set's partition" "/rtrun-rt-$CPU" \
    "$(sed -n 's/^0::\(.*\)\/libpod-.*/\1/p' "/proc/${pid:-0}/cgroup" 2>/dev/null)"
done
check "podman: /rtrun-rt-$CPU is the partition" "root" "$(cat "$CS/rtrun-rt-$CPU/cpuset.cpus.partition" 2>/dev/null)"
rc=0
prun control p-fourth --cgroup-parent "/rtrun-rt-$CPU" --cgroups no-conmon >/dev/null 2>"$TMP/p-fourth.err" || rc=$?
check "podman: a fourth is refused" "1" "$([ "$rc" -ne 0 ] && echo 1 || echo 0)"
check_contains "podman: refused by admission with its reason" "$(cat "$TMP/p-fourth.err")" "rejected: EDF"
"${P[@]}" rm -f -t 0 p-control p-planning p-perception p-fourth >/dev/null 2>&1
no_leftovers "podman rm" "/rtrun-rt-$CPU"

# ---- containerd ----
cat >"$TMP/containerd.toml" <<EOF
version = 2
root = "/run/rtrun-test-containerd/root"
state = "/run/rtrun-test-containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "/run/rtrun-test-containerd/sock"
EOF
containerd -c "$TMP/containerd.toml" >"$TMP/containerd.log" 2>&1 &
cd_pid=$!
C=(ctr -a /run/rtrun-test-containerd/sock -n rtstack)
for _ in $(seq 100); do "${C[@]}" version >/dev/null 2>&1 && break; sleep 0.1; done
# containerd 1.6's spec type has no process.scheduler: the reservation rides on the
# org.rtrun.scheduler annotation. The cgroup path is containerd's own layout, /NAMESPACE/ID.
crun_() { # ROLE ID
  local root=$TMP/c-$2
  cp -a "$TMP/img" "$root"
  jq --arg cpu "$CPU" --arg root "$root" --arg cg "/rtstack/$2" '
    .annotations["org.rtrun.scheduler"] = (.process.scheduler | tojson) | del(.process.scheduler)
    | .linux.resources.cpu.cpus = $cpu | .linux.cgroupsPath = $cg | .root.path = $root
    | .process.terminal = false | .process.args = ["sleep", "600"]' \
    "$RTRUN_SRC/bundles/$1/config.json" >"$TMP/c-$2.json"
  "${C[@]}" run -d --runc-binary "$RTRUN" --config "$TMP/c-$2.json" "$2"
}
for role in control planning perception; do
  crun_ "$role" "c-$role" >/dev/null 2>"$TMP/c-$role.err" || sed 's/^/# /' "$TMP/c-$role.err"
  pid=$("${C[@]}" task ls 2>/dev/null | awk -v id="c-$role" '$1 == id {print $2}')
  check "containerd $role: SCHED_DEADLINE on CPU $CPU" "SCHED_DEADLINE $CPU" "$(deadline_on_cpu "${pid:-0}")"
  check "containerd $role: in containerd's /rtstack/ID" "0::/rtstack/c-$role" "$(cat "/proc/${pid:-0}/cgroup" 2>/dev/null)"
done
check "containerd: the namespace's cgroup /rtstack is the partition" "root" \
  "$(cat "$CS/rtstack/cpuset.cpus.partition" 2>/dev/null)"
rc=0
crun_ control c-fourth >/dev/null 2>"$TMP/c-fourth.err" || rc=$?
check "containerd: a fourth is refused" "1" "$([ "$rc" -ne 0 ] && echo 1 || echo 0)"
check_contains "containerd: refused by admission with its reason" "$(cat "$TMP/c-fourth.err")" "rejected: EDF"
for id in c-control c-planning c-perception c-fourth; do
  "${C[@]}" task kill -s KILL "$id" >/dev/null 2>&1
done
for id in c-control c-planning c-perception c-fourth; do
  for _ in $(seq 50); do "${C[@]}" task delete "$id" >/dev/null 2>&1 && break; sleep 0.1; done
  "${C[@]}" container delete "$id" >/dev/null 2>&1
done
no_leftovers "ctr delete" /rtstack
kill "$cd_pid" 2>/dev/null
wait "$cd_pid" 2>/dev/null
lib_done
