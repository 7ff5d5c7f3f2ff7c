#!/bin/bash
# Control-loop benchmark: where a reservation keeps a 1 kHz control loop on time and where it
# does not. The probe is bundles/control (rtprobe: 1 ms period, 100 us of CPU per period;
# SCHED_DEADLINE 400 us / 1 ms on CPU 1 under rtrun; runc 1.1.5 ignores process.scheduler, so
# there it is SCHED_OTHER). Four threats a vehicle computer has, each run in this one invocation
# with runc, rtrun and the host's floor (the same rtprobe at SCHED_FIFO 99 on the shielded CPU,
# no container, under the scenario's runtime-independent load):
#   1 cpu     perception-like CPU hogs on every CPU (one more pinned to the control CPU);
#             runc and rtrun without the CPU shield, then both with it (rtrun cpus shield)
#   2 rogue   another supplier's container that takes SCHED_FIFO 99 itself (CAP_SYS_NICE,
#             an RT group budget of 40%) and busy-loops on the control CPU, plus one that asks
#             for DEADLINE 900 us / 1 ms there while control runs
#   3 overbook two more real-time containers (DEADLINE 4 ms / 10 ms each, 3 ms of work) join the
#             control CPU while control runs: 0.4 + 0.4 + 0.4 > the 0.9 the kernel allows
#   4 memory  page-cache thrash (a reader in a 128 MiB memory cgroup looping over a 512 MiB
#             file, one copy pinned to the control CPU) beside the CPU hogs; rtrun also once
#             without the memory-lock annotation, CAP_IPC_LOCK and
#             RLIMIT_MEMLOCK ("rtrun-nolock")
# Per run: misses (and per 10^5 periods), wake-up latency p50/p99/p99.9/max, SIGXCPU overruns,
# whether mlockall worked, stolen time on the CPU (/proc/stat) and the 1-minute load average
# before and after. Writes build/bench/control-loop.{txt,json}, control-loop-hist-N.png per
# scenario and control-loop-cdf.png. Host state it changes (CPU shield, a memory cgroup, a
# scratch file) is restored on exit, Ctrl-C included; state roots are unique per invocation.
# usage: tests/bench/control-loop.sh [-d SECONDS per run (8)] [-c CPU (1)] [-s "1 2 3 4"]
# env: RUNTIMES="runc rtrun host" (host = the floor); RTRUN_BUILD=build dir
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dur=8 cpu=1 scenarios="1 2 3 4"
while getopts "d:c:s:h" opt; do
	case $opt in
	d) dur=$OPTARG ;;
	c) cpu=$OPTARG ;;
	s) scenarios=$OPTARG ;;
	h) sed -n '2,24p' "$0"; exit 0 ;;
	*) exit 2 ;;
	esac
done
[[ $dur =~ ^[1-9][0-9]*$ && $cpu =~ ^[0-9]+$ && $scenarios =~ ^[1-4\ ]+$ ]] || bench_die "bad -d, -c or -s"
[ "$cpu" -lt "$(nproc)" ] && [ "$cpu" -gt 0 ] || bench_die "CPU $cpu must exist and not be CPU 0 (the shield keeps CPU 0 for the rest)"
[ "$(id -u)" = 0 ] || bench_die "run as root (containers, SCHED_DEADLINE, the shield)"
read -r -a runtimes <<<"${RUNTIMES:-runc rtrun host}"
bench_require jq jq gnuplot gnuplot-nox taskset util-linux chrt util-linux busybox busybox-static
bench_require_rtrun
for rt in "${runtimes[@]}"; do
	case $rt in rtrun | host) ;; *) bench_require "$rt" "$rt" ;; esac
done
"$bench_src/bundles/mkstack.sh" -b "$bench_build" control >/dev/null
probe=$bench_src/bundles/control/rootfs/bin/rtprobe
periods=$((dur * 1000))

mkdir -p "$bench_out"
work=$(mktemp -d /run/rtrun-bench-cl.XXXXXX)
tag=cl${work##*.}     # container ids and cgroup names are host-wide: unique per invocation
thrash_file=/var/tmp/rtrun-bench-$tag.dat
thrash_cg=""
bg=()                  # process groups of the background load
shielded=0

bin_of() { case $1 in rtrun*) echo "$RTRUN" ;; *) echo "$1" ;; esac; }
root_of() { echo "$work/root-${1%%-*}"; }

stop_load() {
	local p
	for p in "${bg[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done
	for p in "${bg[@]}"; do while kill -0 -- "-$p" 2>/dev/null; do sleep 0.05; done; done
	bg=()
}

cleanup() {
	set +e
	trap '' INT TERM
	stop_load
	local rt id
	for rt in rtrun runc; do
		[ -d "$work/root-$rt" ] || continue
		for id in $("$(bin_of "$rt")" --root "$work/root-$rt" list -q 2>/dev/null); do
			"$(bin_of "$rt")" --root "$work/root-$rt" delete --force "$id" >/dev/null 2>&1
		done
	done
	[ "$shielded" = 0 ] || "$RTRUN" cpus release >/dev/null
	[ -z "$thrash_cg" ] || rmdir "$thrash_cg" 2>/dev/null
	rm -f "$thrash_file"
	rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "control-loop: interrupted, cleaning up" >&2; exit 130' INT TERM

# Background load, each in a process group of its own so one kill takes all of it.
spawn() {
	setsid "$@" </dev/null >/dev/null 2>&1 &
	bg+=($!)
	disown
}
start_hogs() { # one unpinned hog per CPU, one pinned to the control CPU
	local i
	for ((i = 0; i < $(nproc); i++)); do spawn busybox sh -c 'while :; do :; done'; done
	spawn taskset -c "$cpu" busybox sh -c 'while :; do :; done'
}
start_thrash() {
	if [ -z "$thrash_cg" ]; then
		if [ -d /sys/fs/cgroup/memory ]; then
			thrash_cg=/sys/fs/cgroup/memory/rtrun-bench-$tag
			mkdir "$thrash_cg" && echo $((128 << 20)) >"$thrash_cg/memory.limit_in_bytes"
		else
			thrash_cg=/sys/fs/cgroup/rtrun-bench-$tag
			grep -qw memory /sys/fs/cgroup/cgroup.subtree_control || echo +memory >/sys/fs/cgroup/cgroup.subtree_control
			mkdir "$thrash_cg" && echo $((128 << 20)) >"$thrash_cg/memory.max"
		fi
		dd if=/dev/urandom of="$thrash_file" bs=1M count=512 status=none
	fi
	local pin
	for pin in "" "taskset -c $cpu"; do
		# shellcheck disable=SC2016
		spawn sh -c 'echo $$ >"$1/cgroup.procs" && shift && while :; do $* cat "$0" >/dev/null; done' \
			"$thrash_file" "$thrash_cg" $pin
	done
}

shield() {
	[ "$shielded" = 1 ] && return
	"$RTRUN" cpus shield "$cpu" >"$work/shield.out" || bench_die "rtrun cpus shield $cpu failed"
	shielded=1
}

# A bundle from bundles/control: BUNDLE_DIR then a jq filter applied to its config.
mkbundle() {
	mkdir -p "$1"
	jq --arg rootfs "$bench_src/bundles/control/rootfs" --arg cpu "$cpu" "
		.root.path = \$rootfs | .linux.resources.cpu.cpus = \$cpu | $2" \
		"$bench_src/bundles/control/config.json" >"$1/config.json"
}
probe_args() { # NAME PERIOD BUDGET SECONDS [more]
	local a=("/bin/rtprobe" --name "$1" --period "$2" --budget "$3" --duration "${4}s" --json "${@:5}")
	printf '%s\n' "${a[@]}" | jq -R . | jq -sc .
}
mkbundle "$work/b-control" ".process.args = $(probe_args control 1ms 100us "$dur" --dl-overrun --histogram)"
mkbundle "$work/b-nolock" ".process.args = $(probe_args control 1ms 100us "$dur" --dl-overrun --histogram) |
	del(.annotations[\"org.rtrun.memory.lock\"]) |
	.process.capabilities |= with_entries(.value |= map(select(. != \"CAP_IPC_LOCK\"))) |
	.process.rlimits += [{type: \"RLIMIT_MEMLOCK\", hard: 0, soft: 0}]"
mkbundle "$work/b-rogue" ".process.args = $(probe_args rogue 100ms 95ms $((dur + 4)) --fifo 99) |
	.annotations = {\"org.rtrun.criticality\": \"best-effort\"} | del(.process.scheduler) |
	.process.capabilities |= with_entries(.value += [\"CAP_SYS_NICE\"]) |
	.linux.resources.cpu.realtimeRuntime = 400000 | .linux.resources.cpu.realtimePeriod = 1000000"
mkbundle "$work/b-overask" ".process.args = $(probe_args overask 1ms 900us $((dur + 4))) |
	.annotations = {\"org.rtrun.criticality\": \"planning\"} |
	.process.scheduler = {policy: \"SCHED_DEADLINE\", runtime: 900000, deadline: 1000000, period: 1000000}"
mkbundle "$work/b-rt" ".process.args = $(probe_args rt 10ms 3ms $((dur + 4))) |
	.annotations = {\"org.rtrun.criticality\": \"planning\"} |
	.process.scheduler = {policy: \"SCHED_DEADLINE\", runtime: 4000000, deadline: 10000000, period: 10000000}"

steal_of() { awk -v c="cpu$cpu" '$1 == c { print $9 }' /proc/stat; }
load1() { cut -d' ' -f1 /proc/loadavg; }

# Appends one result line: SCENARIO LABEL STATUS JSONFILE|"" NOTE LOAD_BEFORE STEAL_BEFORE
record() {
	local s=$1 label=$2 status=$3 json=$4 note=$5 lb=$6 st0=$7
	local st1 lj='null'
	st1=$(steal_of)
	[ -n "$json" ] && [ -s "$json" ] && lj=$(cat "$json")
	jq -nc --arg s "$s" --arg rtl "$label" --arg status "$status" --arg note "$note" \
		--argjson p "$lj" --arg lb "$lb" --arg la "$(load1)" --argjson steal $(((st1 - st0) * 10)) \
		--argjson dur "$dur" '
		{scenario: ($s | tonumber), runtime: $rtl, status: $status, note: $note,
		 load1_before: ($lb | tonumber), load1_after: ($la | tonumber),
		 steal_ms: $steal, steal_pct: ($steal / ($dur * 10) | . * 100 | round / 100)} +
		(if $p then {policy: $p.sched.policy, activations: $p.activations, misses: $p.misses,
		  misses_per_1e5: ($p.misses * 100000 / ($p.activations + $p.skipped) | round),
		  overruns: $p.overruns, mlocked: $p.mlocked, latency_ns: $p.latency_ns,
		  completion_ns: $p.completion_ns, histogram_us: $p.histogram_us} else {} end)' \
		>>"$work/results.jsonl"
}

# Runs the control probe once: SCENARIO LABEL (runc, rtrun, rtrun-nolock, host, ...+shield)
# [BUNDLE]; while it runs, JOIN (a function name in $join) may start other containers.
join=""
run_control() {
	local s=$1 label=$2 bundle=${3:-$work/b-control}
	local rt=${label%%+*} lb st0 out=$work/$s-$label
	rt=${rt%%-*}
	lb=$(load1) st0=$(steal_of)
	if [ "$rt" = host ]; then
		jq -r '.process.args[] | select(. != "--dl-overrun") | sub("^/bin/rtprobe$"; $p)' \
			--arg p "$probe" "$bundle/config.json" >"$out.args"
		mapfile -t args <"$out.args"
		if ! taskset -c "$cpu" chrt -f 99 "${args[@]}" >"$out.out" 2>"$out.err"; then
			record "$s" "$label" failed "" "$(head -c 300 "$out.err")" "$lb" "$st0"
			return
		fi
	else
		local bin root id=$tag-$s-ctl-${label//+/-}
		bin=$(bin_of "$rt") root=$(root_of "$rt")
		if ! "$bin" --root "$root" create -b "$bundle" "$id" >"$out.out" 2>"$out.err" ||
			! "$bin" --root "$root" start "$id" 2>>"$out.err"; then
			record "$s" "$label" refused "" "$(tr '\n' ' ' <"$out.err" | head -c 400)" "$lb" "$st0"
			"$bin" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
			return
		fi
		[ -z "$join" ] || "$join" "$s" "$rt"
		local t=0
		while [ "$("$bin" --root "$root" state "$id" 2>/dev/null | jq -r .status)" = running ] &&
			[ $t -lt $(((dur + 30) * 10)) ]; do
			sleep 0.1
			t=$((t + 1))
		done
		"$bin" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
	fi
	grep '^{' "$out.out" | tail -n 1 >"$out.json" || true
	if jq -e .activations "$out.json" >/dev/null 2>&1; then
		record "$s" "$label" ran "$out.json" "${note:-}" "$lb" "$st0"
	else
		record "$s" "$label" failed "" "no rtprobe output: $(head -c 300 "$out.err")" "$lb" "$st0"
	fi
}

# Starts container NAME from BUNDLE with runtime RT for scenario S; the note says what happened.
side_start() { # S RT NAME BUNDLE
	local bin root id=$tag-$1-$3-$2
	bin=$(bin_of "$2") root=$(root_of "$2")
	if "$bin" --root "$root" create -b "$4" "$id" >"$work/$id.out" 2>"$work/$id.err" &&
		"$bin" --root "$root" start "$id" 2>>"$work/$id.err"; then
		echo "$3 admitted"
	else
		echo "$3 refused: $(tr '\n' ' ' <"$work/$id.err" | head -c 300)"
		"$bin" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
	fi
}
side_stop() { # S RT NAME -> what the side container's own probe said
	local bin root id=$tag-$1-$3-$2
	bin=$(bin_of "$2") root=$(root_of "$2")
	"$bin" --root "$root" kill "$id" TERM >/dev/null 2>&1 || true
	# rtprobe finishes the job it is in (up to 95 ms of CPU for the rogue) and prints its JSON.
	local t
	for t in $(seq 50); do
		[ "$("$bin" --root "$root" state "$id" 2>/dev/null | jq -r .status)" = running ] || break
		sleep 0.1
	done
	"$bin" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
	local j
	j=$(grep '^{' "$work/$id.out" 2>/dev/null | tail -n 1)
	[ -z "$j" ] || jq -r --arg n "$3" '"\($n) ran as \(.sched.policy)" +
		(if .fifo_request != "none" then " (its own FIFO request: \(.fifo_request))" else "" end) +
		", \(.activations) jobs, \(.misses) misses"' <<<"$j"
}

note=""
join_rogue() { # S RT: the over-asking DEADLINE container arrives while control runs
	sleep 0.3
	note="$note; $(side_start "$1" "$2" overask "$work/b-overask")"
}
join_rt() { # S RT: two more real-time containers arrive while control runs
	sleep 0.3
	note="$note; $(side_start "$1" "$2" rt-a "$work/b-rt"); $(side_start "$1" "$2" rt-b "$work/b-rt")"
}

has() { [[ " ${runtimes[*]} " == *" $1 "* ]]; }
containers=()
for rt in "${runtimes[@]}"; do [ "$rt" = host ] || containers+=("$rt"); done

scenario_1() {
	start_hogs
	for rt in "${containers[@]}"; do note="" run_control 1 "$rt"; done
	shield
	stop_load
	start_hogs
	for rt in "${containers[@]}"; do note="" run_control 1 "$rt+shield"; done
	! has host || note="" run_control 1 host
	stop_load
}
scenario_2() {
	shield
	start_hogs
	for rt in "${containers[@]}"; do
		note="$(side_start 2 "$rt" rogue "$work/b-rogue")"
		sleep 0.5
		join=join_rogue run_control 2 "$rt"
		note=""
		local r o
		r=$(side_stop 2 "$rt" rogue) o=$(side_stop 2 "$rt" overask)
		jq -c --arg n "$r${o:+; $o}" '.note += "; " + $n' <<<"$(tail -n1 "$work/results.jsonl")" >"$work/last"
		sed -i '$d' "$work/results.jsonl" && cat "$work/last" >>"$work/results.jsonl"
	done
	! has host || note="CPU hogs only (the rogue is a container)" run_control 2 host
	stop_load
}
scenario_3() {
	shield
	start_hogs
	for rt in "${containers[@]}"; do
		note=""
		join=join_rt run_control 3 "$rt"
		local a b
		a=$(side_stop 3 "$rt" rt-a) b=$(side_stop 3 "$rt" rt-b)
		jq -c --arg n "${a:-}${b:+; $b}" '.note += "; " + $n' <<<"$(tail -n1 "$work/results.jsonl")" >"$work/last"
		sed -i '$d' "$work/results.jsonl" && cat "$work/last" >>"$work/results.jsonl"
	done
	! has host || note="CPU hogs only" run_control 3 host
	stop_load
}
scenario_4() {
	shield
	start_hogs
	start_thrash
	for rt in "${containers[@]}"; do note="" run_control 4 "$rt"; done
	! has rtrun || note="no memory.lock annotation, no CAP_IPC_LOCK, RLIMIT_MEMLOCK 0" run_control 4 rtrun-nolock "$work/b-nolock"
	! has host || note="" run_control 4 host
	stop_load
}

names=([1]="CPU hogs on every CPU" [2]="rogue FIFO 99 container + DEADLINE over-ask" [3]="RT containers overbook the CPU" [4]="page-cache thrash + CPU hogs")
echo "control loop: 1 ms period, 100 us job, $dur s ($periods periods) per run on CPU $cpu; scenarios $scenarios; runtimes ${runtimes[*]}"
echo "(about $((dur * 15 + 30)) s for all four; load average now $(cut -d' ' -f1-3 /proc/loadavg))"
for s in $scenarios; do
	echo "scenario $s: ${names[$s]}"
	"scenario_$s"
done

# Table, JSON, plots.
table=$bench_out/control-loop.txt
{
	printf '%-2s %-14s %-8s %-14s %7s %9s %8s %8s %8s %8s %8s %6s %6s %11s\n' \
		S runtime status policy misses "per-1e5" "p50-us" "p99-us" "p99.9us" "max-us" overruns mlock "steal%" "load1 b/a"
	jq -r '[.scenario, .runtime, .status, (.policy // "-"), (.misses // "-"), (.misses_per_1e5 // "-"),
		(.latency_ns // {} | .p50, .p99, .p999, .max | if . then (. / 100 | round / 10) else "-" end),
		(.overruns // "-"), (if .mlocked == null then "-" else .mlocked end), .steal_pct,
		"\(.load1_before)/\(.load1_after)"] | @tsv' "$work/results.jsonl" |
		awk -F'\t' '{ printf "%-2s %-14s %-8s %-14s %7s %9s %8s %8s %8s %8s %8s %6s %6s %11s\n", $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14 }'
	echo
	jq -r 'select(.note != "" and .note != null) | "S\(.scenario) \(.runtime): \(.note | ltrimstr("; "))"' "$work/results.jsonl"
} | tee "$table"
jq -s --argjson host "$(bench_host_json)" --argjson dur "$dur" --argjson cpu "$cpu" \
	--arg shield "$(cat "$work/shield.out" 2>/dev/null | head -c 2000)" '
	{benchmark: "control-loop", seconds_per_run: $dur, period_ns: 1000000, budget_ns: 100000,
	 cpu: $cpu, host: $host, shield: $shield, results: map(del(.histogram_us))}' \
	"$work/results.jsonl" >"$bench_out/control-loop.json"

cdf_plots=()
for s in $scenarios; do
	plot=()
	while IFS=$'\t' read -r label; do
		f=$bench_out/control-loop-$s-${label//+/-}.hist
		jq -r --arg l "$label" --argjson s "$s" 'select(.scenario == $s and .runtime == $l) |
			.histogram_us[] | "\(.[0]) \(.[1])"' "$work/results.jsonl" >"$f"
		plot+=("$f" "$label")
		# 1 - CDF: the fraction of wake-ups at least this late (log scale shows the tail).
		awk '{ c[NR] = $2; b[NR] = $1; t += $2 } END { r = t; for (i = 1; i <= NR; i++) { printf "%d %.8g\n", b[i], r / t; r -= c[i] } }' \
			"$f" >"$f.ccdf"
		cdf_plots+=("$s" "$f.ccdf" "$label")
	done < <(jq -r --argjson s "$s" 'select(.scenario == $s and .status == "ran") | .runtime' "$work/results.jsonl")
	[ ${#plot[@]} = 0 ] || bench_plot_hist "$bench_out/control-loop-hist-$s.png" \
		"scenario $s: ${names[$s]}: control loop wake-up latency ($dur s, last bucket >= 2 ms)" "latency (us)" "${plot[@]}"
done
{
	echo "set terminal pngcairo size 1400,1000 noenhanced"
	echo "set output '$bench_out/control-loop-cdf.png'"
	echo "set multiplot layout 2,2 title 'control loop: fraction of wake-ups at least x late (1 - CDF), $dur s per run, CPU $cpu'"
	echo "set logscale xy; set xrange [1:2000]; set yrange [1e-5:1.1]; set grid; set key top right"
	echo "set xlabel 'wake-up latency (us)'; set ylabel 'P(latency >= x)'"
	for s in $scenarios; do
		sep="" line=""
		for ((i = 0; i < ${#cdf_plots[@]}; i += 3)); do
			[ "${cdf_plots[i]}" = "$s" ] || continue
			line+="$sep'${cdf_plots[i + 1]}' using 1:2 with steps lw 2 title '${cdf_plots[i + 2]}'"
			sep=", "
		done
		echo "set title 'scenario $s: ${names[$s]}'"
		[ -n "$line" ] && echo "plot $line" || echo "plot 2 notitle"
	done
	echo "unset multiplot"
} | gnuplot
echo "wrote $table, $bench_out/control-loop.json, control-loop-hist-{${scenarios// /,}}.png, control-loop-cdf.png"
bad=$(jq -r 'select((.runtime | startswith("rtrun")) and .status == "ran" and .policy != "SCHED_DEADLINE") |
	"S\(.scenario) \(.runtime) ran as \(.policy)"' "$work/results.jsonl")
[ -z "$bad" ] || bench_die "rtrun did not apply the reservation: $bad"
