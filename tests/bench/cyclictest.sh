#!/bin/bash
# cyclictest inside an rtrun container versus on the host, in one run: the same cyclictest
# (SCHED_FIFO 80, one thread pinned to CPU C, 1 ms interval, L loops in all, mlockall) on the
# host and in a container whose rootfs holds cyclictest and its libraries, alternating in R
# rounds of L/R loops each (host, container, host, ...), so that a change in the machine's
# load or the hypervisor's behaviour during the run weighs on both sides alike; the
# histograms of the rounds are added up per side. The bench holds
# /dev/cpu_dma_latency at 0 for both runs (and passes --laptop so neither run sets it itself).
# Prints max and p99 latency and the container/host ratios (target: within 10%); writes
# build/bench/cyclictest.json and cyclictest.png.
# usage: tests/bench/cyclictest.sh [-l LOOPS (60000)] [-c CPU (1)] [-r RT_RUNTIME_US (500000)]
#        [-R ROUNDS (6)]
# env: RUNTIME=rtrun (or e.g. runc, to compare another runtime's container)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

loops=60000 cpu=1 rt_runtime=500000 rounds=6
while getopts "l:c:r:R:h" opt; do
	case $opt in
	l) loops=$OPTARG ;;
	c) cpu=$OPTARG ;;
	r) rt_runtime=$OPTARG ;;
	R) rounds=$OPTARG ;;
	h) sed -n '2,13p' "$0"; exit 0 ;;
	*) exit 2 ;;
	esac
done
[[ $loops =~ ^[1-9][0-9]*$ && $cpu =~ ^[0-9]+$ && $rt_runtime =~ ^[1-9][0-9]*$ &&
	$rounds =~ ^[1-9][0-9]*$ ]] || bench_die "bad -l, -c, -r or -R"
[ "$loops" -ge "$rounds" ] || bench_die "-l must be at least -R"
[ "$cpu" -lt "$(nproc)" ] || bench_die "no CPU $cpu on this host"
[ "$(id -u)" = 0 ] || bench_die "run as root"
runtime=${RUNTIME:-rtrun}
bench_require cyclictest rt-tests jq jq gnuplot gnuplot-nox
if [ "$runtime" = rtrun ]; then
	bench_require_rtrun
	bin=$RTRUN
else
	bench_require "$runtime" "$runtime"
	bin=$runtime
fi

mkdir -p "$bench_out"
work=$(mktemp -d /run/rtrun-bench-lane.XXXXXX)
id=lane-bench-cyclic-$$
cleanup() {
	set +e
	"$bin" --root "$work/root" delete -f "$id" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

# Rootfs: cyclictest and the shared objects it loads, at their host paths.
rootfs=$work/rootfs
mkdir -p "$rootfs"/{proc,dev,sys,tmp}
ct=$(command -v cyclictest)
cp --parents "$ct" "$rootfs"
ldd "$ct" | awk '/=>/ { print $3 } /^[[:space:]]*\/[^ ]*ld-linux/ { print $1 }' | while read -r lib; do
	[ -e "$lib" ] && cp --parents -L "$lib" "$rootfs"
done
for d in lib lib64; do [ -L "/$d" ] && [ ! -e "$rootfs/$d" ] && cp -P "/$d" "$rootfs/$d"; done

args=(-q -m --laptop -p 80 -t 1 -a "$cpu" -i 1000 -l "$((loops / rounds))" -h 2000)
# The container: FIFO needs CAP_SYS_NICE, mlockall CAP_IPC_LOCK; on kernels with RT group
# scheduling a new cgroup has rt_runtime 0, so give it a realtime budget per second (-r). A
# small one shows up as throttling: the whole group stops until the next second.
jq --arg rootfs "$rootfs" --arg cpu "$cpu" --arg ct "$ct" --argjson rt "$rt_runtime" \
	--argjson a "$(printf '%s\n' "${args[@]}" | jq -R . | jq -s .)" '
	.root.path = $rootfs | .hostname = "cyclictest" |
	.process.args = [$ct] + $a |
	.process.capabilities |= map_values(. + ["CAP_SYS_NICE", "CAP_IPC_LOCK"]) |
	.annotations = {"org.rtrun.criticality": "control"} |
	.linux.resources.cpu = {cpus: $cpu, mems: "0", realtimeRuntime: $rt, realtimePeriod: 1000000}' \
	<"$bench_src/bundles/hog/config.json" >"$work/config.json"

exec 7>/dev/cpu_dma_latency
printf '\0\0\0\0' >&7

echo "cyclictest: $loops loops of 1 ms, FIFO 80 on CPU $cpu: host and a $runtime container,"
echo "alternating in $rounds rounds (about $((2 * loops / 1000 + 3 * rounds)) s)"
for r in $(seq "$rounds"); do
	cyclictest "${args[@]}" >"$work/host.$r.out" 2>"$work/host.err" ||
		bench_die "cyclictest on the host failed: $(cat "$work/host.err")"
	if ! "$bin" --root "$work/root" run -b "$work" "$id" >"$work/container.$r.out" 2>"$work/container.err"; then
		cat "$work/container.err" "$work/container.$r.out" >&2
		bench_die "$runtime could not run cyclictest in a container (output above)"
	fi
	"$bin" --root "$work/root" delete -f "$id" >/dev/null 2>&1 || true
done
exec 7>&-

# Histogram lines are "bucket count" (bucket = us); "# Max Latencies: N" is the exact max.
# merge SIDE: the rounds' outputs as one, in the same format.
merge() {
	awk '/^[0-9]+ +[0-9]+/ { n[$1 + 0] += $2; if ($1 + 0 > top) top = $1 + 0 }
	     /^# Max Latencies:/ { if ($4 + 0 > max) max = $4 + 0 }
	     /^# Histogram Overflows:/ { over += $4 }
	     END { for (b = 0; b <= top; b++) printf "%06d %06d\n", b, n[b]
	           printf "# Histogram Overflows: %05d\n# Max Latencies: %05d\n", over, max }' \
		"$work/$1".*.out >"$work/$1.out"
}
merge host
merge container
summary() { # FILE -> JSON {max_us, p99_us, avg_us, samples}
	awk '/^[0-9]+ +[0-9]+/ { b = $1 + 0; n[b] = $2 + 0; tot += $2; sum += b * $2; if (b > top) top = b }
	     /^# Max Latencies:/ { max = $4 + 0 }
	     /^# Histogram Overflows:/ { over = $4 + 0 }
	     END {
		tot += over; need = int((99 * tot + 99) / 100); c = 0; p99 = -1
		for (b = 0; b <= top; b++) { c += n[b]; if (p99 < 0 && c >= need) p99 = b }
		if (p99 < 0) p99 = max
		printf "{\"samples\":%d,\"max_us\":%d,\"p99_us\":%d,\"avg_us\":%.2f,\"overflows\":%d}\n",
		       tot, max, p99, (tot ? sum / tot : 0), over
	     }' "$1"
}
host=$(summary "$work/host.out")
cont=$(summary "$work/container.out")
[ "$(jq .samples <<<"$cont")" -gt 0 ] || bench_die "no histogram from the container: $(cat "$work/container.out" "$work/container.err")"
for f in host container; do awk '/^[0-9]+ +[0-9]+/ && $2 > 0 { print $1 + 0, $2 + 0 }' "$work/$f.out" >"$bench_out/cyclictest-$f.hist"; done

result=$(jq -n --argjson h "$host" --argjson c "$cont" '
	def ratio(x; y): if y > 0 then (x / y * 100 | round / 100) else null end;
	{host: $h, container: $c, ratio_container_over_host:
	 {max: ratio($c.max_us; $h.max_us), p99: ratio($c.p99_us; $h.p99_us)}}')
printf '\n%-10s %8s %8s %8s %9s\n' where "avg" "p99" "max" samples
for w in host container; do
	jq -r --arg w "$w" '.[$w] | [$w, "\(.avg_us)us", "\(.p99_us)us", "\(.max_us)us", .samples] | @tsv' <<<"$result" |
		awk -F'\t' '{ printf "%-10s %8s %8s %8s %9s\n", $1, $2, $3, $4, $5 }'
done
jq -r '.ratio_container_over_host | "container/host: max x\(.max), p99 x\(.p99)"' <<<"$result"
jq -n --argjson host "$(bench_host_json)" --argjson r "$result" --arg runtime "$runtime" \
	--argjson loops "$loops" --argjson cpu "$cpu" --argjson rounds "$rounds" \
	--argjson rt "$rt_runtime" \
	'{benchmark: "cyclictest", runtime: $runtime, loops: $loops, rounds: $rounds,
	  interval_us: 1000, cpu: $cpu,
	  container_rt_runtime_us: $rt, container_rt_period_us: 1000000,
	  policy: "SCHED_FIFO 80", machine: $host} + $r' >"$bench_out/cyclictest.json"
bench_plot_hist "$bench_out/cyclictest.png" "cyclictest, $loops loops on CPU $cpu: host vs $runtime container" \
	"latency (us)" "$bench_out/cyclictest-host.hist" host "$bench_out/cyclictest-container.hist" "$runtime container"
echo "wrote $bench_out/cyclictest.json and cyclictest.png"
jq -r '.ratio_container_over_host | "target (within 10% of the host): " +
	(if .max != null and .p99 != null and .max <= 1.1 and .p99 <= 1.1 then "met" else "NOT met" end)' <<<"$result"
