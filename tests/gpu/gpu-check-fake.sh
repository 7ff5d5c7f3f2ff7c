#!/bin/bash
# gpu-check.sh's path on a machine without a GPU: a fake host under a temporary root laid out
# like the GPU machine that broke spec --gpu (driver under /usr/local/nvidia, /usr/bin/nvidia-smi
# a wrapper script that execs /usr/local/nvidia/bin/nvidia-smi, libcuda found through that
# root's loader cache), plus a driver container's root (/run/nvidia/driver, its own
# etc/ld.so.cache), GSP firmware and an IMEX channel; real char nodes with the GPU's numbers
# (no driver behind them). Then:
#  - `rtrun cdi generate` (JSON and YAML) validates against the CDI JSON schema that Debian's
#    golang-github-container-orchestrated-devices-container-device-interface-dev ships, and
#    lists the wrapper's target, the cached library, the driver container's library at its
#    container path, the firmware and the nodes;
#  - a container asking for nvidia.com/gpu=0 through the org.rtrun.cdi.devices annotation with
#    the generated YAML runs `nvidia-smi -L` (the wrapper; the fake driver binary lists
#    /dev/nvidiaN) and lists exactly GPU 0; =all lists both; without the device (the negative
#    control) nvidia-smi is not found;
#  - on a root without GPU nodes cdi generate fails saying so and writes no file.
# Runs from tests/integration/t_gpu_cdi_fake.sh (ctest integration/t_gpu_cdi_fake).
src=$(cd "$(dirname "$0")/../.." && pwd)
. "$src/tests/integration/devices_common.sh"
trap cleanup_common EXIT

SCHEMA_DIR=/usr/share/gocode/src/github.com/container-orchestrated-devices/container-device-interface/schema
[ -f "$SCHEMA_DIR/schema.json" ] ||
	skip "no CDI schema: golang-github-container-orchestrated-devices-container-device-interface-dev is not installed"
# Debian's packages serve /usr/bin/python3, which a python3 earlier in PATH may shadow
PY=
for p in /usr/bin/python3 python3; do
	"$p" -c 'import jsonschema, yaml' 2>/dev/null && { PY=$p; break; }
done
[ -n "$PY" ] || skip "python3-jsonschema or python3-yaml is missing (scripts/install-deps.sh)"
command -v gcc >/dev/null || skip "gcc is missing (it builds the fake libcuda)"
command -v ldconfig >/dev/null || skip "ldconfig is missing"

H=$T/host
mkdir -p "$H/dev/nvidia-caps" "$H/dev/nvidia-caps-imex-channels" "$H/usr/bin" \
	"$H/usr/local/nvidia/bin" "$H/usr/local/nvidia/lib64" "$H/etc/ld.so.conf.d" \
	"$H/lib/firmware/nvidia/580.65.06" "$H/lib/firmware/nvidia/470.1.1"
mknod -m 666 "$H/dev/nvidia0" c 195 0
mknod -m 666 "$H/dev/nvidia1" c 195 1
mknod -m 666 "$H/dev/nvidiactl" c 195 255
mknod -m 444 "$H/dev/nvidia-caps/nvidia-cap1" c 240 1
mknod -m 666 "$H/dev/nvidia-caps-imex-channels/channel0" c 239 0
cat >"$H/usr/bin/nvidia-smi" <<'SH'
#!/bin/sh
# what some cloud images install: the real binary lives under the driver root
exec /usr/local/nvidia/bin/nvidia-smi "$@"
SH
cat >"$H/usr/local/nvidia/bin/nvidia-smi" <<'SH'
#!/bin/sh
[ "$1" = -L ] || exit 2
for n in /dev/nvidia[0-9]*; do
	[ -c "$n" ] && echo "GPU ${n#/dev/nvidia}: Fake GPU (UUID: GPU-fake-${n#/dev/nvidia})"
done
SH
chmod 755 "$H/usr/bin/nvidia-smi" "$H/usr/local/nvidia/bin/nvidia-smi"
echo 'int cuInit(unsigned f) { return (int)f; }' >"$T/cuda.c"
gcc -shared -fPIC -Wl,-soname,libcuda.so.1 -o "$H/usr/local/nvidia/lib64/libcuda.so.580.65.06" "$T/cuda.c" ||
	fail "gcc: fake libcuda"
echo 'include /etc/ld.so.conf.d/*.conf' >"$H/etc/ld.so.conf"
echo /usr/local/nvidia/lib64 >"$H/etc/ld.so.conf.d/nvidia.conf"
ldconfig -r "$H" || fail "ldconfig -r $H"
echo gsp >"$H/lib/firmware/nvidia/580.65.06/gsp_ga10x.bin"
echo old >"$H/lib/firmware/nvidia/470.1.1/gsp_old.bin"
# a driver container's root: a whole system whose paths are the container's paths
D=$H/run/nvidia/driver
mkdir -p "$D/usr/lib/x86_64-linux-gnu" "$D/etc"
gcc -shared -fPIC -Wl,-soname,libnvidia-ml.so.1 -o "$D/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.580.65.06" "$T/cuda.c" ||
	fail "gcc: fake libnvidia-ml"
: >"$D/etc/ld.so.conf"
ldconfig -r "$D" || fail "ldconfig -r $D"

# --- the spec, both syntaxes, against the schema ---
rt cdi generate --host-root "$H" >"$T/spec.json" 2>"$T/err" || fail "cdi generate: $(cat "$T/err")"
rt cdi generate --host-root "$H" --output "$T/cdi/nvidia.yaml" 2>"$T/err" ||
	fail "cdi generate --output: $(cat "$T/err")"
head -3 "$T/cdi/nvidia.yaml"
"$PY" - "$SCHEMA_DIR" "$T/spec.json" "$T/cdi/nvidia.yaml" <<'PY' || fail "schema validation"
import json, sys, yaml, jsonschema
d = sys.argv[1]
schema = json.load(open(d + "/schema.json"))
defs = json.load(open(d + "/defs.json"))
resolver = jsonschema.RefResolver(base_uri="file://" + d + "/schema.json", referrer=schema,
                                  store={"file://" + d + "/defs.json": defs})
in_defs = jsonschema.RefResolver(base_uri="file://" + d + "/defs.json", referrer=defs)
specs = [json.load(open(sys.argv[2])), yaml.safe_load(open(sys.argv[3]))]
for name, s in zip(sys.argv[2:], specs):
    jsonschema.validate(s, schema, resolver=resolver)
    print("ok: %s validates against the CDI schema (%d devices)" % (name, len(s["devices"])))
    # the defs' own node and mount types once more, each on its own
    for dev in s["devices"]:
        for n in dev["containerEdits"]["deviceNodes"]:
            jsonschema.validate(n, defs["definitions"]["DeviceNode"], resolver=in_defs)
    for m in s["containerEdits"]["mounts"]:
        jsonschema.validate(m, defs["definitions"]["Mount"], resolver=in_defs)
if specs[0] != specs[1]:
    sys.exit("JSON and YAML say different things")
print("ok: JSON and YAML hold the same spec")
PY
# what discovery must have followed (container path <- host path)
"$PY" - "$T/spec.json" "$H" <<'PY' || fail "spec content"
import json, sys
s, h = json.load(open(sys.argv[1])), sys.argv[2]
mounts = {m["containerPath"]: m["hostPath"] for m in s["containerEdits"]["mounts"]}
want = {
    "/usr/bin/nvidia-smi": h + "/usr/bin/nvidia-smi",                            # the wrapper
    "/usr/local/nvidia/bin/nvidia-smi": h + "/usr/local/nvidia/bin/nvidia-smi",  # its target
    "/usr/local/nvidia/lib64/libcuda.so.1": h + "/usr/local/nvidia/lib64/libcuda.so.1",  # ld cache
    "/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1":                               # driver container
        h + "/run/nvidia/driver/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1",
    "/lib/firmware/nvidia/580.65.06/gsp_ga10x.bin": h + "/lib/firmware/nvidia/580.65.06/gsp_ga10x.bin",
}
bad = [k for k, v in want.items() if mounts.get(k) != v]
if bad:
    sys.exit("missing or wrong mounts %s; have %s" % (bad, json.dumps(mounts, indent=1)))
if any("470.1.1" in k for k in mounts):
    sys.exit("firmware of another driver version mounted")
names = [d["name"] for d in s["devices"]]
if names != ["0", "1", "imex-channel-0", "all"]:
    sys.exit("devices: %s" % names)
dev0 = s["devices"][0]["containerEdits"]["deviceNodes"]
if dev0 != [{"path": "/dev/nvidia0", "hostPath": h + "/dev/nvidia0", "type": "c", "major": 195, "minor": 0}]:
    sys.exit("device 0: %s" % dev0)
ctl = [n["path"] for n in s["containerEdits"]["deviceNodes"]]
if ctl != ["/dev/nvidiactl", "/dev/nvidia-caps/nvidia-cap1"]:
    sys.exit("control nodes: %s" % ctl)
print("ok: wrapper target, cached library, driver container library, firmware, nodes: %d mounts" % len(mounts))
PY

# --- containers through the generated spec ---
export RTRUN_CDI_DIRS=$T/cdi
run_smi() { # ID ANNOTATIONS_JSON -> output in $T/ID.out
	# a fresh rootfs each: the bind mounts' mount points stay in it as empty files
	local B=$T/bundle-$1
	make_bundle "$B"
	write_config "$B" "$1" '["sh", "-c", "nvidia-smi -L 2>&1; echo rc=$?"]' "$2" ''
	sed -i 's#"PATH=/bin"#"PATH=/usr/bin:/bin"#' "$B/config.json"
	rt create --bundle "$B" "$1" >"$T/$1.out" 2>"$T/$1.err" || fail "create $1: $(cat "$T/$1.err")"
	rt start "$1" || fail "start $1"
	wait_stopped "$1" || fail "$1 did not finish"
	rt delete "$1" || fail "delete $1"
	echo "$1: $(tr '\n' ' ' <"$T/$1.out")"
}
run_smi devices-gpu0 '{"org.rtrun.cdi.devices": "nvidia.com/gpu=0"}'
[ "$(grep -c '^GPU ' "$T/devices-gpu0.out")" = 1 ] && grep -q '^GPU 0: Fake GPU' "$T/devices-gpu0.out" &&
	grep -qx 'rc=0' "$T/devices-gpu0.out" || fail "nvidia.com/gpu=0: $(cat "$T/devices-gpu0.out")"
run_smi devices-gpuall '{"org.rtrun.cdi.devices": "nvidia.com/gpu=all"}'
[ "$(grep -c '^GPU ' "$T/devices-gpuall.out")" = 2 ] || fail "nvidia.com/gpu=all: $(cat "$T/devices-gpuall.out")"
run_smi devices-nogpu '{}'
grep -q 'nvidia-smi: not found' "$T/devices-nogpu.out" && ! grep -q '^GPU ' "$T/devices-nogpu.out" ||
	fail "negative control (no device): $(cat "$T/devices-nogpu.out")"
echo "ok: the wrapper runs its target in the container; the negative control has no nvidia-smi"

# --- no GPU: an error that says so, no file ---
mkdir -p "$T/empty/dev"
if rt cdi generate --host-root "$T/empty" --output "$T/none.json" 2>"$T/err"; then
	fail "cdi generate succeeded without GPU nodes"
fi
grep -q 'no NVIDIA GPU' "$T/err" || fail "error does not say why: $(cat "$T/err")"
[ ! -e "$T/none.json" ] || fail "a spec was written without a GPU"
echo "ok: $(cat "$T/err")"
rt cdi generate --format toml 2>"$T/err" && fail "--format toml accepted"
grep -q 'use json or yaml' "$T/err" || fail "--format error: $(cat "$T/err")"
echo PASS
