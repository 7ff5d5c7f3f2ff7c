#!/bin/bash
# The driving stack with a real GPU perception load: control (rtprobe, 1 ms period, 100 us job,
# SCHED_DEADLINE 400 us / 1 ms under rtrun) on CPU 1 beside perception (gpuload: CUDA kernels
# back to back on GPU 0 through devices and driver files from `rtrun spec --gpu`; where no GPU is
# present, the CPU load rtprobe gives perception) on the other CPUs, plus one CPU hog per CPU.
# Run with runc (when installed), rtrun, and the host floor (rtprobe at FIFO 99 on the shielded
# CPU, perception still running in an rtrun container); prints the control-loop.sh table and
# what perception ran. Under 5 minutes with the default 20 s per run.
# On a GPU machine: tests/gpu/stage.sh here, then from the repository root there:
#   bash tests/gpu/perception-stack.sh      (uses build/gpu-stage: rtrun, its libraries,
#                                            busybox, rtprobe, gpuload)
# Here (no GPU) it runs the CPU fallback: RTRUN_BUILD=build tests/gpu/perception-stack.sh -d 5
# usage: tests/gpu/perception-stack.sh [-d SECONDS per run (20)] [-c CPU (1)]
# Output also goes to $OUT/perception-stack.{txt,json} when OUT is set.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
dur=20 cpu=1
while getopts "d:c:h" opt; do
	case $opt in
	d) dur=$OPTARG ;;
	c) cpu=$OPTARG ;;
	h) sed -n '2,14p' "$0"; exit 0 ;;
	*) exit 2 ;;
	esac
done
die() { echo "perception-stack: $*" >&2; exit 1; }
[[ $dur =~ ^[1-9][0-9]*$ && $cpu =~ ^[1-9][0-9]*$ ]] || die "bad -d or -c"
[ "$cpu" -lt "$(nproc)" ] || die "no CPU $cpu (needs at least 2 CPUs)"
[ "$(id -u)" = 0 ] || die "run as root"
for c in jq taskset chrt; do command -v $c >/dev/null || die "missing $c"; done

# Where the binaries come from: the stage (GPU machine) or a build directory (here).
stage=$src/build/gpu-stage
if [ -z "${RTRUN_BUILD:-}" ] && [ -x "$stage/rtrun" ]; then
	loader=$(ls "$stage"/lib/ld-linux-*.so.* | head -1)
	# stage.sh points the staged rtrun at its loader and libraries in /tmp/rtrun-gpu-stage/lib
	rm -rf /tmp/rtrun-gpu-stage && mkdir -p /tmp/rtrun-gpu-stage && cp -a "$stage/lib" /tmp/rtrun-gpu-stage/
	# rtrun re-executes itself (/proc/self/exe) for the container's init, which under an
	# explicit loader is the loader: run it directly wherever this machine's libraries allow.
	if "$stage/rtrun" --version >/dev/null 2>&1; then
		rtrun_cmd=("$stage/rtrun")
	else
		rtrun_cmd=(env LD_LIBRARY_PATH="$stage/lib" "$stage/rtrun")
		"${rtrun_cmd[@]}" --version >/dev/null 2>&1 || rtrun_cmd=("$loader" --library-path "$stage/lib" "$stage/rtrun")
	fi
	probe=$stage/rtprobe gpuload=$stage/gpuload busybox=$stage/busybox libdir=$stage/lib
else
	build=${RTRUN_BUILD:-$src/build}
	rtrun_cmd=("$build/runtime/rtrun")
	probe=$build/tests/helpers/rtprobe gpuload=$build/tests/helpers/gpuload
	busybox=$(command -v busybox) libdir=""
fi
for f in "${rtrun_cmd[-1]}" "$probe" "$gpuload" "$busybox"; do [ -x "$f" ] || die "missing $f (build, or tests/gpu/stage.sh)"; done
runtimes=(rtrun)
command -v runc >/dev/null && runtimes=(runc rtrun)

gpu=0 gpu_why="no nvidia-smi"
if command -v nvidia-smi >/dev/null; then
	gpu_why="no /dev/nvidia0"
	if ls /dev/nvidia0 >/dev/null 2>&1 && nvidia-smi -L | grep -q '^GPU [0-9]'; then gpu=1 gpu_why=""; fi
fi

work=$(mktemp -d /run/rtrun-gpu-stack.XXXXXX)
tag=gs${work##*.}
hogs=() shielded=0
rt_of() { if [ "$1" = rtrun ]; then "${rtrun_cmd[@]}" --root "$work/root-rtrun" "${@:2}"; else runc --root "$work/root-runc" "${@:2}"; fi; }
cleanup() {
	set +e
	trap '' INT TERM
	local p rt id
	for p in "${hogs[@]}"; do kill "$p" 2>/dev/null; done
	for rt in runc rtrun; do
		for id in $(rt_of "$rt" list -q 2>/dev/null); do rt_of "$rt" delete --force "$id" >/dev/null 2>&1; done
	done
	[ "$shielded" = 0 ] || "${rtrun_cmd[@]}" cpus release >/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Root filesystems: busybox + rtprobe (control); busybox + gpuload and the C library (perception).
mkrootfs() { # DIR BINARY...
	mkdir -p "$1"/{bin,dev,proc,sys,tmp,etc}
	cp "$busybox" "$1/bin/busybox"
	for a in sh cat sleep; do ln -sf busybox "$1/bin/$a"; done
	cp "${@:2}" "$1/bin/"
	echo "root:x:0:0:root:/:/bin/sh" >"$1/etc/passwd"
}
mkrootfs "$work/control/rootfs" "$probe"
mkrootfs "$work/perception/rootfs" "$gpuload"
# gpuload's C library and the loader; libcuda's own dependencies are glibc's too.
for lib in libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1; do
	f=${libdir:+$libdir/$lib}
	[ -n "$f" ] && [ -e "$f" ] || f=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ && !n++ { print $NF }')
	[ -n "$f" ] || continue
	mkdir -p "$work/perception/rootfs/lib/x86_64-linux-gnu"
	cp -L "$f" "$work/perception/rootfs/lib/x86_64-linux-gnu/$lib"
done
mkdir -p "$work/perception/rootfs/lib64"
cp -L "${loader:-/lib64/ld-linux-x86-64.so.2}" "$work/perception/rootfs/lib64/ld-linux-x86-64.so.2"

others=$(seq 0 $(($(nproc) - 1)) | grep -vx "$cpu" | paste -sd,)
jq --arg r "$work/control/rootfs" --arg cpu "$cpu" --arg d "${dur}s" '
	.root.path = $r | .linux.resources.cpu.cpus = $cpu |
	.process.args = ["/bin/rtprobe", "--name", "control", "--period", "1ms", "--budget", "100us",
		"--duration", $d, "--dl-overrun", "--json", "--histogram"]' \
	"$src/bundles/control/config.json" >"$work/control/config.json"
# Perception: best effort on the other CPUs (the GPU is its resource), 4 GiB for the driver.
jq --arg r "$work/perception/rootfs" --arg cpus "$others" --arg s "$((dur + 5))" '
	.root.path = $r | .linux.resources.cpu.cpus = $cpus | del(.process.scheduler) |
	.linux.resources.memory.limit = 4294967296 | .linux.resources.pids.limit = 512 |
	.process.env += ["CUDA_CACHE_DISABLE=1", "LD_LIBRARY_PATH=/lib/x86_64-linux-gnu"] |
	.process.args = ["/bin/gpuload", "--seconds", $s, "--period-ms", "40", "--budget-ms", "10"]' \
	"$src/bundles/perception/config.json" >"$work/perception/config.json"
if [ "$gpu" = 1 ]; then
	mkdir -p "$work/gpuspec"
	"${rtrun_cmd[@]}" spec --gpu -b "$work/gpuspec" || die "rtrun spec --gpu failed"
	# The devices, device rules, driver mounts and their library path from spec --gpu.
	libdirs=$(jq -r '[.mounts[].destination | select(test("\\.so"))] | map(sub("/[^/]*$"; "")) | unique | join(":")' "$work/gpuspec/config.json")
	jq --slurpfile g "$work/gpuspec/config.json" --arg ld "$libdirs" '
		.linux.devices = ((.linux.devices // []) + ($g[0].linux.devices // [])) |
		.linux.resources.devices = ((.linux.resources.devices // []) + ($g[0].linux.resources.devices // [] | map(select(.allow)))) |
		.mounts += [$g[0].mounts[] | select(.destination as $d | (["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"] | index($d)) == null)] |
		.process.env |= map(if startswith("LD_LIBRARY_PATH=") then . + ":" + $ld else . end) |
		.root.readonly = false' \
		"$work/perception/config.json" >"$work/perception/config.gpu" && mv "$work/perception/config.gpu" "$work/perception/config.json"
	echo "perception: GPU load on $(nvidia-smi -L | head -n1)"
else
	echo "perception: no GPU here ($gpu_why): the CPU fallback (10 ms of CPU every 40 ms)"
fi

"${rtrun_cmd[@]}" cpus shield "$cpu" >/dev/null && shielded=1
for ((i = 0; i < $(nproc); i++)); do
	busybox sh -c 'while :; do :; done' &
	hogs+=($!)
done

: >"$work/results.jsonl"
load1() { cut -d' ' -f1 /proc/loadavg; }
run() { # RUNTIME: perception by RUNTIME (host: by rtrun), control by RUNTIME (host: FIFO 99)
	local rt=$1 prt=$1 lb
	[ "$rt" = host ] && prt=rtrun
	lb=$(load1)
	rt_of "$prt" create -b "$work/perception" "$tag-perc-$rt" >"$work/perc-$rt.out" 2>"$work/perc-$rt.err" &&
		rt_of "$prt" start "$tag-perc-$rt" || die "$prt could not start perception: $(cat "$work/perc-$rt.err")"
	sleep 2 # the driver's initialisation, so that control meets the steady load
	if [ "$rt" = host ]; then
		mapfile -t args < <(jq -r '.process.args[] | select(. != "--dl-overrun")' "$work/control/config.json")
		args[0]=$probe
		taskset -c "$cpu" chrt -f 99 "${args[@]}" >"$work/ctl-$rt.out"
	else
		rt_of "$rt" run -b "$work/control" "$tag-ctl-$rt" >"$work/ctl-$rt.out" 2>"$work/ctl-$rt.err" ||
			die "$rt could not run control: $(cat "$work/ctl-$rt.err")"
		rt_of "$rt" delete --force "$tag-ctl-$rt" >/dev/null 2>&1 || true
	fi
	rt_of "$prt" kill "$tag-perc-$rt" TERM >/dev/null 2>&1 || true
	for _ in $(seq 50); do [ "$(rt_of "$prt" state "$tag-perc-$rt" 2>/dev/null | jq -r .status)" = running ] || break; sleep 0.1; done
	rt_of "$prt" delete --force "$tag-perc-$rt" >/dev/null 2>&1 || true
	local perc
	perc=$(grep '^{' "$work/perc-$rt.out" | tail -n1)
	[ -n "$perc" ] || perc='{"load":"stopped before it reported"}'
	grep '^{' "$work/ctl-$rt.out" | tail -n1 | jq -c --arg rt "$rt" --argjson perc "$perc" \
		--arg lb "$lb" --arg la "$(load1)" '{runtime: $rt, policy: .sched.policy, misses,
		misses_per_1e5: (.misses * 100000 / (.activations + .skipped) | round), overruns, mlocked,
		latency_ns, load1_before: ($lb | tonumber), load1_after: ($la | tonumber), perception: $perc}' \
		>>"$work/results.jsonl"
}
for rt in "${runtimes[@]}" host; do run "$rt"; done

{
	printf '%-8s %-15s %7s %9s %8s %8s %8s %8s %8s %11s  %s\n' runtime policy misses "per-1e5" \
		"p50-us" "p99-us" "p99.9us" "max-us" overruns "load1 b/a" perception
	jq -r '[.runtime, .policy, .misses, .misses_per_1e5,
		(.latency_ns | .p50, .p99, .p999, .max | . / 100 | round / 10), .overruns,
		"\(.load1_before)/\(.load1_after)",
		(.perception | if .load == "gpu" then "GPU \(.device): \(.kernels) kernels"
		 elif .load == "cpu" then "CPU fallback (\(.fallback_reason)): \(.jobs) jobs" else .load end)] | @tsv' \
		"$work/results.jsonl" |
		awk -F'\t' '{ printf "%-8s %-15s %7s %9s %8s %8s %8s %8s %8s %11s  %s\n", $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11 }'
} | tee "$work/table.txt"
if [ -n "${OUT:-}" ]; then
	cp "$work/table.txt" "$OUT/perception-stack.txt"
	jq -s --arg k "$(uname -r)" --argjson n "$(nproc)" '{kernel: $k, cpus: $n, results: .}' \
		"$work/results.jsonl" >"$OUT/perception-stack.json"
fi
