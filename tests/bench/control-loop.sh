#!/bin/bash
# Control-loop benchmark: the control bundle (rtprobe, 1 ms period, 100 us of CPU per period,
# SCHED_DEADLINE 400 us / 1 ms on CPU 1) runs under a CPU hog pinned to the same CPU, once with
# rtrun (which applies the reservation) and once with runc (same bundle; runc 1.1.5 ignores
# process.scheduler), N periods each. Prints deadline misses and latency percentiles side by
# side; writes build/bench/control-loop.json and control-loop.png (latency histograms).
# A third run, "host", is the platform's floor: the same rtprobe straight on the host, pinned
# to the CPU at SCHED_FIFO 99 (nothing on this CPU can delay it but the kernel and the
# hypervisor); misses there are misses no runtime can prevent on this machine.
# usage: tests/bench/control-loop.sh [-n PERIODS (100000)] [-c CPU (1)]
# env: RUNTIMES="rtrun runc host" (each a name on PATH, rtrun = the built one, host = no container)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

periods=100000 cpu=1
while getopts "n:c:h" opt; do
	case $opt in
	n) periods=$OPTARG ;;
	c) cpu=$OPTARG ;;
	h) sed -n '2,8p' "$0"; exit 0 ;;
	*) exit 2 ;;
	esac
done
[[ $periods =~ ^[1-9][0-9]*$ && $cpu =~ ^[0-9]+$ ]] || bench_die "bad -n or -c"
[ "$cpu" -lt "$(nproc)" ] || bench_die "no CPU $cpu on this host"
[ "$(id -u)" = 0 ] || bench_die "run as root (containers, SCHED_DEADLINE)"
read -r -a runtimes <<<"${RUNTIMES:-rtrun runc host}"
bench_require jq jq gnuplot gnuplot-nox taskset util-linux busybox busybox-static
for rt in "${runtimes[@]}"; do
	case $rt in
	rtrun) bench_require_rtrun ;;
	host) bench_require chrt util-linux ;;
	*) bench_require "$rt" "$rt" ;;
	esac
done
"$bench_src/bundles/mkstack.sh" -b "$bench_build" control >/dev/null

mkdir -p "$bench_out"
work=$(mktemp -d /run/rtrun-bench-lane.XXXXXX)
hog=""
cleanup() {
	set +e
	[ -z "$hog" ] || kill "$hog" 2>/dev/null
	for rt in "${runtimes[@]}"; do
		bin=$rt
		[ "$rt" = rtrun ] && bin=$RTRUN
		[ "$rt" = host ] && continue
		"$bin" --root "$work/root-$rt" delete -f "lane-bench-ctl-$rt" >/dev/null 2>&1
	done
	rm -rf "$work"
}
trap cleanup EXIT

# The bundle: bundles/control with a fixed number of periods and the histogram on.
jq --arg rootfs "$bench_src/bundles/control/rootfs" --arg cpu "$cpu" --arg n "$periods" '
	.root.path = $rootfs | .linux.resources.cpu.cpus = $cpu |
	.process.args = ["/bin/rtprobe", "--name", "control", "--period", "1ms", "--budget",
	                 "100us", "--count", $n, "--dl-overrun", "--json", "--histogram"]' \
	"$bench_src/bundles/control/config.json" >"$work/config.json"

# The hog: a best-effort busy loop pinned to the same CPU, in the host's root cpuset (a cpuset
# cgroup of its own could not overlap an exclusive real-time set).
taskset -c "$cpu" busybox sh -c 'while :; do :; done' &
hog=$!
sleep 0.2
[ "$(taskset -pc "$hog" | sed 's/.*: //')" = "$cpu" ] || bench_die "the hog is not pinned to CPU $cpu"

echo "control loop: $periods periods of 1 ms (100 us budget each) on CPU $cpu, CPU hog on the same CPU"
echo "(about $((periods * ${#runtimes[@]} / 1000 + 5)) s)"
for rt in "${runtimes[@]}"; do
	bin=$rt
	[ "$rt" = rtrun ] && bin=$RTRUN
	kill -0 "$hog" || bench_die "the hog died"
	if [ "$rt" = host ]; then
		# --dl-overrun needs a deadline reservation; FIFO has none.
		jq -r '.process.args[] | select(. != "--dl-overrun") | sub("^/bin/rtprobe$"; $p)' \
			--arg p "$bench_src/bundles/control/rootfs/bin/rtprobe" "$work/config.json" >"$work/host.args"
		mapfile -t probe <"$work/host.args"
		taskset -c "$cpu" chrt -f 99 "${probe[@]}" >"$work/$rt.out" 2>"$work/$rt.err" ||
			bench_die "rtprobe on the host failed: $(cat "$work/$rt.err")"
	elif ! "$bin" --root "$work/root-$rt" run -b "$work" "lane-bench-ctl-$rt" >"$work/$rt.out" 2>"$work/$rt.err"; then
		cat "$work/$rt.err" >&2
		bench_die "$rt could not run the control bundle (output above)"
	fi
	[ "$rt" = host ] || "$bin" --root "$work/root-$rt" delete -f "lane-bench-ctl-$rt" >/dev/null 2>&1 || true
	grep '^{' "$work/$rt.out" | tail -n 1 >"$work/$rt.json"
	jq -e .activations "$work/$rt.json" >/dev/null || bench_die "$rt: no rtprobe JSON in: $(cat "$work/$rt.out")"
	jq -r '.histogram_us[] | "\(.[0]) \(.[1])"' "$work/$rt.json" >"$bench_out/control-loop-$rt.hist"
done

printf '\n%-8s %-15s %8s %8s %9s %9s %9s %9s %9s %11s %11s\n' runtime policy misses skipped overruns \
	"lat-min" "lat-avg" "lat-p99" "lat-max" "compl-p99" "compl-max"
for rt in "${runtimes[@]}"; do
	jq -r --arg rt "$rt" '[$rt, .sched.policy, .misses, .skipped, .overruns,
		(.latency_ns.min, .latency_ns.avg, .latency_ns.p99, .latency_ns.max,
		 .completion_ns.p99, .completion_ns.max | . / 10 | round / 100 | tostring + "us")] | @tsv' \
		"$work/$rt.json" | awk -F'\t' '{ printf "%-8s %-15s %8s %8s %9s %9s %9s %9s %9s %11s %11s\n", $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11 }'
done

results=$(for rt in "${runtimes[@]}"; do jq -c --arg rt "$rt" '{($rt): del(.histogram_us)}' "$work/$rt.json"; done | jq -s 'add')
ratios=null
if [ ${#runtimes[@]} -ge 2 ]; then
	a=${runtimes[0]} b=${runtimes[1]}
	ratios=$(jq -n --argjson r "$results" --arg a "$a" --arg b "$b" '
		def ratio(x; y): if y > 0 then (x / y * 100 | round / 100) else null end;
		{of: "\($b)/\($a)", latency_p99: ratio($r[$b].latency_ns.p99; $r[$a].latency_ns.p99),
		 latency_max: ratio($r[$b].latency_ns.max; $r[$a].latency_ns.max),
		 completion_max: ratio($r[$b].completion_ns.max; $r[$a].completion_ns.max),
		 misses: [$r[$a].misses, $r[$b].misses]}')
	echo
	jq -r '"\(.of): latency p99 x\(.latency_p99), max x\(.latency_max); completion max x\(.completion_max); misses \(.misses[0]) vs \(.misses[1])"' <<<"$ratios"
fi
jq -n --argjson host "$(bench_host_json)" --argjson results "$results" --argjson ratios "$ratios" \
	--argjson periods "$periods" --argjson cpu "$cpu" \
	'{benchmark: "control-loop", periods: $periods, period_ns: 1000000, budget_ns: 100000,
	  cpu: $cpu, interference: "busy loop pinned to the same CPU", host: $host,
	  results: $results, ratios: $ratios}' >"$bench_out/control-loop.json"
plot=()
for rt in "${runtimes[@]}"; do plot+=("$bench_out/control-loop-$rt.hist" "$rt"); done
bench_plot_hist "$bench_out/control-loop.png" "control loop under a CPU hog: wake-up latency, $periods periods (last bucket: >= 2 ms)" \
	"latency (us)" "${plot[@]}"
echo "wrote $bench_out/control-loop.json and control-loop.png"
if [ "${runtimes[0]}" = rtrun ]; then
	pol=$(jq -r .sched.policy "$work/rtrun.json")
	misses=$(jq -r .misses "$work/rtrun.json")
	[ "$pol" = SCHED_DEADLINE ] || bench_die "rtrun ran the probe as $pol, not SCHED_DEADLINE: the reservation was not applied"
	floor=""
	[ -s "$work/host.json" ] && floor="; the platform floor (host, FIFO 99): $(jq -r .misses "$work/host.json") misses"
	echo "target (rtrun 0 misses): $([ "$misses" = 0 ] && echo met || echo "NOT met ($misses misses)")$floor"
fi
