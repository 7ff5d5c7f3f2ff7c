#!/bin/bash
# Runs on a machine with an NVIDIA GPU, like gpu-check.sh (build/gpu-stage/ from stage.sh
# carried along). The CDI path end to end, with the host's /usr bound read-only as the
# container's /usr (what a person does to reuse the host's CUDA or PyTorch):
#  1. `rtrun cdi generate` writes a spec for the host's GPUs into a private CDI directory;
#  2. a container asking for nvidia.com/gpu=all (annotation org.rtrun.cdi.devices) runs
#     nvidia-smi -L and lists the host's GPUs (on driver roots such as /usr/local/nvidia the
#     wrapper /usr/bin/nvidia-smi must find its target: the spec mounts it);
#  3. where the host's python3 imports torch with CUDA, a bf16 matmul runs in the container on
#     the GPU and prints its TFLOP/s (reported, not asserted);
#  4. the negative control, the same container without the device: nvidia-smi lists no GPU
#     and torch (where present) sees no CUDA device.
# Under 5 minutes; output and logs go to $OUT (or /tmp) as gpu-check-cdi.log.
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
stage=$src/build/gpu-stage
out=${OUT:-/tmp}
exec > >(tee "$out/gpu-check-cdi.log") 2>&1
say() { echo "gpu-check-cdi: $*"; }
fail() {
	say "FAIL: $*"
	exit 1
}
[ -x "$stage/rtrun" ] || fail "no $stage/rtrun: run tests/gpu/stage.sh here and carry build/gpu-stage"
[ "$(id -u)" = 0 ] || fail "needs root"
# the staged rtrun names /tmp/rtrun-gpu-stage/lib as its loader and library path (stage.sh)
rm -rf /tmp/rtrun-gpu-stage && mkdir -p /tmp/rtrun-gpu-stage && cp -a "$stage/lib" /tmp/rtrun-gpu-stage/ ||
	fail "copy the staged libraries to /tmp/rtrun-gpu-stage"
rtrun() { "$stage/rtrun" --root /run/rtrun-gpu-check "$@"; }
smi=$(command -v nvidia-smi || true)
[ -n "$smi" ] || { say "SKIP: no nvidia-smi on this machine"; exit 77; }
ls /dev/nvidia[0-9]* >/dev/null 2>&1 || { say "SKIP: no /dev/nvidiaN node"; exit 77; }
"$smi" -L >"$out/host-smi.txt" || fail "nvidia-smi fails on the host"
cat "$out/host-smi.txt"
host_gpus=$(grep -c '^GPU ' "$out/host-smi.txt")

B=$(mktemp -d /tmp/rtrun-gpu-cdi.XXXXXX)
trap 'for i in gpu-cdi gpu-cdi-none; do rtrun delete --force $i >/dev/null 2>&1; done; rm -rf "$B"' EXIT
export RTRUN_CDI_DIRS=$B/cdi
rtrun cdi generate --output "$B/cdi/nvidia.yaml" || fail "cdi generate"
rtrun cdi generate >"$B/nvidia.json" || fail "cdi generate (JSON)"
say "spec: $(grep -c 'name:' "$B/cdi/nvidia.yaml") devices, $(grep -c 'containerPath:' "$B/cdi/nvidia.yaml") driver files"
grep -E 'containerPath: .*(nvidia-smi|libcuda.so)' "$B/cdi/nvidia.yaml"
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import jsonschema, yaml' 2>/dev/null; then
	d=/usr/share/gocode/src/github.com/container-orchestrated-devices/container-device-interface/schema
	[ -f $d/schema.json ] && /usr/bin/python3 - "$d" "$B/nvidia.json" <<'PY' || fail "schema"
import json, sys, jsonschema
d = sys.argv[1]
schema, defs = json.load(open(d + "/schema.json")), json.load(open(d + "/defs.json"))
r = jsonschema.RefResolver(base_uri="file://" + d + "/schema.json", referrer=schema,
                           store={"file://" + d + "/defs.json": defs})
jsonschema.validate(json.load(open(sys.argv[2])), schema, resolver=r)
print("gpu-check-cdi: the spec validates against the CDI schema")
PY
fi

# The workload: nvidia-smi, then torch where the host has it.
cat >"$B/work.sh" <<'SH'
echo "smi:"; nvidia-smi -L; echo "smi-rc=$?"
if python3 -c 'import torch' 2>/dev/null; then
python3 - <<'PY'
import time, torch
print("torch-cuda=%s devices=%d" % (torch.cuda.is_available(), torch.cuda.device_count()))
if torch.cuda.is_available():
    n = 8192
    a = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
    b = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
    for _ in range(3): a @ b
    torch.cuda.synchronize(); t = time.time(); k = 50
    for _ in range(k): a @ b
    torch.cuda.synchronize(); dt = time.time() - t
    print("matmul-tflops=%.1f" % (2 * n**3 * k / dt / 1e12))
PY
fi
SH
mkdir -p "$B/rootfs"
for d in bin sbin lib lib32 lib64 libx32; do
	[ -L /$d ] && ln -s "$(readlink /$d)" "$B/rootfs/$d"
done
mkdir -p "$B/rootfs/usr" "$B/rootfs/etc" "$B/rootfs/tmp" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/sys" "$B/rootfs/work"
cp "$B/work.sh" "$B/rootfs/work/"
config() { # ANNOTATIONS_JSON
	cat >"$B/config.json" <<JSON
{"ociVersion": "1.2.0",
 "process": {"terminal": false, "user": {"uid": 0, "gid": 0}, "cwd": "/",
   "args": ["/bin/sh", "/work/work.sh"],
   "env": ["PATH=/usr/local/nvidia/bin:/usr/local/bin:/usr/bin:/bin", "HOME=/tmp",
           "LD_LIBRARY_PATH=/usr/local/nvidia/lib64:/usr/local/nvidia/lib"]},
 "root": {"path": "rootfs"},
 "mounts": [
   {"destination": "/proc", "type": "proc", "source": "proc"},
   {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]},
   {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
   {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "nodev", "size=1g"]},
   {"destination": "/usr", "type": "bind", "source": "/usr", "options": ["rbind", "ro"]},
   {"destination": "/etc", "type": "bind", "source": "/etc", "options": ["rbind", "ro"]},
   {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]}],
 "annotations": $1,
 "linux": {"namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}],
           "resources": {"devices": [{"allow": false, "access": "rwm"}]}}}
JSON
}
run() { # ID -> $out/ID.txt
	rtrun create --bundle "$B" "$1" >"$out/$1.txt" 2>"$out/$1.err" || fail "create $1: $(cat "$out/$1.err")"
	rtrun start "$1" || fail "start $1"
	for _ in $(seq 1200); do
		rtrun state "$1" 2>/dev/null | grep -q '"status": *"stopped"' && break
		sleep 0.1
	done
	rtrun delete --force "$1"
	say "$1:"
	cat "$out/$1.txt"
}
config '{"org.rtrun.cdi.devices": "nvidia.com/gpu=all"}'
run gpu-cdi
[ "$(grep -c '^GPU ' "$out/gpu-cdi.txt")" = "$host_gpus" ] || fail "the container lists a different number of GPUs than the host ($host_gpus)"
grep -q 'torch-cuda=False' "$out/gpu-cdi.txt" && fail "torch sees no CUDA in the container"
config '{}'
run gpu-cdi-none
grep -q '^GPU ' "$out/gpu-cdi-none.txt" && fail "negative control: GPUs listed without the device"
grep -q 'torch-cuda=True' "$out/gpu-cdi-none.txt" && fail "negative control: torch sees CUDA without the device"
say "PASS: nvidia.com/gpu=all gives the container the host's $host_gpus GPU(s)$(grep -o 'matmul-tflops=.*' "$out/gpu-cdi.txt" | sed 's/^/, /'); without it none"
