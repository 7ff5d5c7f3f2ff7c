#!/bin/bash
# DEADLINE sizing: how much runtime a 100 us job needs. Runs bundles/control under rtrun on the
# shielded CPU with a busy loop pinned there, once per runtime (default 150 200 300 400 us per
# 1 ms) and each once more with SCHED_FLAG_RECLAIM (GRUB), and reports per run: misses, SIGXCPU
# overruns, the job's own wall time (wake-up to completion: the WCET the reservation must
# cover) p99.9 and max, wake-up latency p99/max, the time the hypervisor stole from the CPU
# (/proc/stat), the interrupts the CPU took (/proc/interrupts) and the load average.
# docs/realtime.md ("Why an identical reservation misses") reads these numbers.
# usage: tests/bench/dl-sizing.sh [-d SECONDS per run (5)] [-c CPU (1)] [-r "150 200 300 400"]
# Writes build/bench/dl-sizing.{txt,json}. Restores the shield and removes everything on exit.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dur=5 cpu=1 runtimes_us="150 200 300 400"
while getopts "d:c:r:h" opt; do
	case $opt in
	d) dur=$OPTARG ;;
	c) cpu=$OPTARG ;;
	r) runtimes_us=$OPTARG ;;
	h) sed -n '2,10p' "$0"; exit 0 ;;
	*) exit 2 ;;
	esac
done
[[ $dur =~ ^[1-9][0-9]*$ && $cpu =~ ^[1-9][0-9]*$ && $runtimes_us =~ ^[0-9\ ]+$ ]] || bench_die "bad -d, -c or -r"
[ "$cpu" -lt "$(nproc)" ] || bench_die "no CPU $cpu"
[ "$(id -u)" = 0 ] || bench_die "run as root"
bench_require jq jq taskset util-linux busybox busybox-static
bench_require_rtrun
"$bench_src/bundles/mkstack.sh" -b "$bench_build" control >/dev/null
mkdir -p "$bench_out"
work=$(mktemp -d /run/rtrun-bench-dl.XXXXXX)
tag=dl${work##*.}
hog="" shielded=0
cleanup() {
	set +e
	[ -z "$hog" ] || kill "$hog" 2>/dev/null
	for id in $("$RTRUN" --root "$work/root" list -q 2>/dev/null); do
		"$RTRUN" --root "$work/root" delete --force "$id" >/dev/null 2>&1
	done
	[ "$shielded" = 0 ] || "$RTRUN" cpus release >/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$RTRUN" cpus shield "$cpu" >/dev/null && shielded=1
taskset -c "$cpu" busybox sh -c 'while :; do :; done' &
hog=$!
cpu_irqs() { awk -v col=$((cpu + 2)) 'NR > 1 && $col ~ /^[0-9]+$/ { s += $col } END { print s }' /proc/interrupts; }
steal() { awk -v c="cpu$cpu" '$1 == c { print $9 }' /proc/stat; }

: >"$work/results.jsonl"
for r in $runtimes_us; do
	for flags in '["SCHED_FLAG_DL_OVERRUN"]' '["SCHED_FLAG_DL_OVERRUN","SCHED_FLAG_RECLAIM"]'; do
		b=$work/b-$r-${#flags}
		mkdir -p "$b"
		jq --arg rootfs "$bench_src/bundles/control/rootfs" --arg cpu "$cpu" --argjson r $((r * 1000)) \
			--argjson flags "$flags" --arg d "${dur}s" '
			.root.path = $rootfs | .linux.resources.cpu.cpus = $cpu |
			.process.scheduler.runtime = $r | .process.scheduler.flags = $flags |
			.process.args = ["/bin/rtprobe", "--name", "control", "--period", "1ms", "--budget",
				"100us", "--duration", $d, "--dl-overrun", "--json"]' \
			"$bench_src/bundles/control/config.json" >"$b/config.json"
		l0=$(cut -d' ' -f1 /proc/loadavg) s0=$(steal) i0=$(cpu_irqs)
		if ! "$RTRUN" --root "$work/root" run -b "$b" "$tag-$r" >"$b/out" 2>"$b/err"; then
			cat "$b/err" >&2
			bench_die "rtrun could not run runtime $r us"
		fi
		"$RTRUN" --root "$work/root" delete --force "$tag-$r" >/dev/null 2>&1 || true
		grep '^{' "$b/out" | tail -n1 | jq -c --argjson r "$r" --argjson f "$flags" \
			--argjson steal $((($(steal) - s0) * 10)) --argjson irqs $(($(cpu_irqs) - i0)) \
			--arg l0 "$l0" --arg l1 "$(cut -d' ' -f1 /proc/loadavg)" '
			{runtime_us: $r, reclaim: ($f | index("SCHED_FLAG_RECLAIM") != null), policy: .sched.policy,
			 activations, misses, misses_per_1e5: (.misses * 100000 / (.activations + .skipped) | round),
			 overruns, job_ns, latency_ns, steal_ms: $steal, cpu_irqs: $irqs,
			 load1_before: ($l0 | tonumber), load1_after: ($l1 | tonumber)}' >>"$work/results.jsonl"
	done
done

{
	printf '%-8s %-8s %7s %8s %8s %10s %10s %9s %9s %8s %8s %11s\n' runtime reclaim misses per-1e5 \
		overruns job-p999us job-max-us lat-p99us lat-maxus steal-ms irqs "load1 b/a"
	jq -r '[.runtime_us, .reclaim, .misses, .misses_per_1e5, .overruns,
		(.job_ns.p999, .job_ns.max, .latency_ns.p99, .latency_ns.max | . / 100 | round / 10),
		.steal_ms, .cpu_irqs, "\(.load1_before)/\(.load1_after)"] | @tsv' "$work/results.jsonl" |
		awk -F'\t' '{ printf "%-8s %-8s %7s %8s %8s %10s %10s %9s %9s %8s %8s %11s\n", $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12 }'
} | tee "$bench_out/dl-sizing.txt"
jq -s --argjson host "$(bench_host_json)" --argjson dur "$dur" \
	'{benchmark: "dl-sizing", seconds_per_run: $dur, job_us: 100, period_us: 1000, host: $host, results: .}' \
	"$work/results.jsonl" >"$bench_out/dl-sizing.json"
echo "wrote $bench_out/dl-sizing.txt and dl-sizing.json"
