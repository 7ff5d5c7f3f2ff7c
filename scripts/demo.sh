#!/bin/bash
# The README's first command: install what is missing, build, and run the example driving stack
# on CPU 1 of this host twice under the same interference, once with runc and once with rtrun,
# then the bare host's floor, and print the verdict side by side:
#   1. shield CPU 1 (tasks, IRQs and the workqueue mask move to the other CPUs),
#   2. start a CPU hog pinned to CPU 1 (the interference, the same for every run),
#   3. rtrun: create control, planning, perception (SCHED_DEADLINE reservations on CPU 1,
#      admitted by criticality; perception is elastic and gets compressed), show
#      `rtrun admission status`, try one container too many and show its refusal,
#   4. runc: the same bundles (runc 1.1.5 ignores process.scheduler: everything is SCHED_OTHER),
#   5. the floor: the same probe straight on the host at SCHED_FIFO 99 on the shielded CPU,
#   6. the verdict (misses, latency p50/p99/max) and a latency histogram PNG,
#   7. restore the host (containers, reservations, cpusets, shield, IRQ masks).
# Every command that touches a container or the host is echoed exactly as it is run.
# usage: scripts/demo.sh (as root) [--no-build]   env: RTRUN_BUILD_DIR (build dir),
#        DEMO_SECONDS (each control run, default 10)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${RTRUN_BUILD_DIR:-$src/build}
secs=${DEMO_SECONDS:-10}
[[ $secs =~ ^[1-9][0-9]*$ ]] || { echo "demo: DEMO_SECONDS must be a positive integer" >&2; exit 2; }
if [ "${1:-}" != --no-build ]; then
	"$src/scripts/install-deps.sh"
	cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build "$build" -j"$(nproc)"
fi
[ "$(id -u)" = 0 ] || { echo "demo: run as root" >&2; exit 1; }
[ "$(nproc)" -ge 2 ] || { echo "demo: needs at least 2 CPUs (CPU 1 is shielded)" >&2; exit 1; }
command -v runc >/dev/null || { echo "demo: runc is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
cd "$src"
rtrun=$(realpath --relative-to=. "$build/runtime/rtrun")
cpu=1
# A state root of our own per run (two demos, or a demo and a test, cannot collide), and
# container ids unique on the host (cgroups are named after them).
state=$(mktemp -d /run/rtrun-demo.XXXXXX)
tag=demo${state##*.}
out=$build/demo
mkdir -p "$out"
hog="" shielded=0

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
exec 3>&1 # the echo of a command goes to the terminal even when its output goes to a file
show() { # the command exactly as it is run
	{
		printf '+'
		printf ' %q' "$@"
		printf '\n'
	} >&3
}
x() {
	show "$@"
	"$@"
}

cleanup() {
	set +e
	trap '' INT TERM
	say "Restore the host"
	[ -z "$hog" ] || x kill "$hog"
	local rt id
	for rt in rtrun runc; do
		local bin=$rtrun
		[ $rt = runc ] && bin=runc
		for id in $("$bin" --root "$state/$rt" list -q 2>/dev/null); do
			x "$bin" --root "$state/$rt" delete --force "$id" >/dev/null
		done
	done
	if [ "$shielded" = 1 ]; then
		x "$rtrun" cpus release
	fi
	echo "IRQ default affinity now $(cat /proc/irq/default_smp_affinity), workqueue cpumask" \
		"$(cat /sys/devices/virtual/workqueue/cpumask 2>/dev/null || echo -)"
	"$rtrun" cpus status | awk -v c="$cpu" 'NR == 3 || $1 == c'
	rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$src/bundles/mkstack.sh" -b "$build" >/dev/null
# The stack's bundles with a shorter run and the control loop's latency histogram on: copies
# in the state dir (root.path points back at bundles/NAME/rootfs).
for role in control planning perception; do
	mkdir -p "$state/bundle/$role"
	jq --arg rootfs "$src/bundles/$role/rootfs" --arg d "${secs}s" --arg role "$role" '
		.root.path = $rootfs |
		.process.args |= ((index("--duration") + 1) as $i | .[$i] = $d) |
		if $role == "control" then .process.args += ["--histogram"] else . end' \
		"$src/bundles/$role/config.json" >"$state/bundle/$role/config.json"
done

say "What this demo changes on the host (all of it is undone at the end, Ctrl-C included)"
cat <<EOF
  - CPU shield on CPU $cpu: thread affinities, every IRQ's smp_affinity_list,
    /proc/irq/default_smp_affinity and the workqueue cpumask leave CPU $cpu
    (recorded in /run/rtrun/rt/shield; 'rtrun cpus release' writes them back)
  - rtrun's DEADLINE containers make CPU $cpu a root domain of its own: cpuset
    sched_load_balance (v1) or a cpuset partition (v2), recorded in /run/rtrun/rt/rootdomain
    and written back when the last such container is deleted; reservations in the admission
    ledger under /run/rtrun
  - containers under the state roots $state/{rtrun,runc} (removed)
  - a CPU hog pinned to CPU $cpu (killed)
IRQ default affinity now $(cat /proc/irq/default_smp_affinity), workqueue cpumask $(cat /sys/devices/virtual/workqueue/cpumask 2>/dev/null || echo -)
EOF

say "Shield CPU $cpu for real-time work"
x "$rtrun" cpus shield "$cpu"
shielded=1
echo "IRQ default affinity now $(cat /proc/irq/default_smp_affinity), workqueue cpumask" \
	"$(cat /sys/devices/virtual/workqueue/cpumask 2>/dev/null || echo -)"

say "The interference, the same for every run: a CPU hog pinned to CPU $cpu"
show taskset -c "$cpu" busybox sh -c 'while :; do :; done' '&'
taskset -c "$cpu" busybox sh -c 'while :; do :; done' &
hog=$!

# Runs the stack with RUNTIME (rtrun or runc), waits for the control loop, keeps its JSON.
stack() {
	local rt=$1 bin=$rtrun
	[ "$rt" = runc ] && bin=runc
	for role in control planning perception; do
		x "$bin" --root "$state/$rt" create --bundle "$state/bundle/$role" "$tag-$rt-$role" \
			>"$state/$rt-$role.out" 2>"$state/$rt-$role.err" || { cat "$state/$rt-$role.err" >&2; exit 1; }
	done
	for role in control planning perception; do x "$bin" --root "$state/$rt" start "$tag-$rt-$role"; done
	if [ "$rt" = rtrun ]; then
		say "What rtrun's admission controller granted"
		x "$rtrun" --root "$state/rtrun" admission status
	fi
	say "$rt: one container too many, a second control loop on CPU $cpu"
	if x "$bin" --root "$state/$rt" create --bundle "$state/bundle/control" "$tag-$rt-control2" \
		>/dev/null 2>"$state/$rt-refused.err"; then
		echo "admitted: $rt does no admission control (it will share CPU $cpu with everything else)"
		x "$bin" --root "$state/$rt" delete --force "$tag-$rt-control2"
	else
		echo "refused, as the model says:"
		sed 's/^/    /' "$state/$rt-refused.err"
	fi
	local pid
	pid=$("$bin" --root "$state/$rt" state "$tag-$rt-control" | jq -r .pid)
	echo "control's process $pid: $(chrt -p "$pid" | sed 's/.*: //' | paste -sd' '), CPUs $(taskset -pc "$pid" | sed 's/.*: //')"
	echo "waiting for the control loop ($secs s)..."
	while [ "$("$bin" --root "$state/$rt" state "$tag-$rt-control" | jq -r .status)" = running ]; do sleep 0.5; done
	grep '^{' "$state/$rt-control.out" | tail -n1 >"$state/$rt.json"
	for role in control planning perception; do
		x "$bin" --root "$state/$rt" delete --force "$tag-$rt-$role"
	done
}

say "rtrun: control, planning, perception on CPU $cpu"
stack rtrun
say "runc: the same three bundles on CPU $cpu"
stack runc

say "The floor: the same probe on the host at SCHED_FIFO 99 on CPU $cpu, no container"
mapfile -t args < <(jq -r '.process.args[] | select(. != "--dl-overrun")' "$state/bundle/control/config.json")
args[0]=bundles/control/rootfs/bin/rtprobe
x taskset -c "$cpu" chrt -f 99 "${args[@]}" >"$state/host.out"
grep '^{' "$state/host.out" | tail -n1 >"$state/host.json"

say "Verdict: the control loop (1 ms period, 100 us job) under the same CPU hog, $secs s each"
load=$(cut -d' ' -f1-3 /proc/loadavg)
printf '  %-6s %-15s %8s %9s %8s %8s %8s %9s\n' run policy misses "per-1e5" "p50-us" "p99-us" "max-us" overruns
for rt in runc rtrun host; do
	jq -r --arg rt "$rt" '[$rt, .sched.policy, .misses, (.misses * 100000 / (.activations + .skipped) | round),
		(.latency_ns.p50, .latency_ns.p99, .latency_ns.max | . / 100 | round / 10), .overruns] | @tsv' \
		"$state/$rt.json" | awk -F'\t' '{ printf "  %-6s %-15s %8s %9s %8s %8s %8s %9s\n", $1,$2,$3,$4,$5,$6,$7,$8 }'
	jq -r '.histogram_us[] | "\(.[0]) \(.[1])"' "$state/$rt.json" >"$out/$rt.hist"
done
echo "  (load average $load; other work on this machine counts)"
m() { jq -r .misses "$state/$1.json"; }
mr=$(m rtrun) mc=$(m runc) mh=$(m host)
if [ "$mr" -lt "$mc" ]; then
	echo "  rtrun kept the loop on time better than runc: $mr misses against $mc"
else
	echo "  rtrun did not beat runc this time: $mr misses against $mc"
fi
if [ "$mh" -gt 0 ]; then
	echo "  the host itself (the floor) missed $mh deadlines at FIFO 99 with no container: here this" \
		"machine (hypervisor, interrupts) is the limit, and misses up to about $mh are not the runtime's"
elif [ "$mr" -gt 0 ]; then
	late=$(jq -r '.latency_ns.max / 1000000 * 10 | round / 10' "$state/rtrun.json")
	if jq -e '.latency_ns.max > 1000000' "$state/rtrun.json" >/dev/null; then
		echo "  the floor missed none in its run; rtrun's $mr misses came with a wake-up $late ms late:" \
			"a delay before the task ran at all (the hypervisor, a non-preemptible kernel), which the" \
			"floor meets too at other times, not the reservation's size (docs/realtime.md," \
			"\"Why an identical reservation misses\")"
	else
		echo "  the floor missed none: rtrun's $mr misses are the reservation's (its runtime ran out;" \
			"docs/realtime.md, \"Why an identical reservation misses\")"
	fi
fi
png=$out/control-latency.png
gnuplot <<EOF
set terminal pngcairo size 1000,600 noenhanced
set output '$png'
set title 'control loop wake-up latency under a CPU hog, $secs s each (last bucket >= 2 ms)'
set xlabel 'latency (us)'; set ylabel 'count (log)'; set logscale xy; set xrange [0.5:*]; set yrange [0.8:*]; set grid
plot '$out/runc.hist' using (\$1 + 0.5):2 with points pt 7 ps 0.7 title 'runc', \
     '$out/rtrun.hist' using (\$1 + 0.5):2 with points pt 7 ps 0.7 title 'rtrun', \
     '$out/host.hist' using (\$1 + 0.5):2 with points pt 7 ps 0.7 title 'host floor (FIFO 99)'
EOF
echo "  histogram: $png"
echo "  the four threats side by side (CPU hogs, a rogue container, overbooking, memory): tests/bench/control-loop.sh"
