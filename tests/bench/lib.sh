# Shared by the benchmark scripts in tests/bench (sourced, not run).
# Each benchmark runs its contenders side by side in one invocation, prints medians/percentiles
# and ratios, and writes JSON (and a PNG histogram) under $RTRUN_BUILD/bench/.
set -euo pipefail

bench_src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench_build=${RTRUN_BUILD:-$bench_src/build}
bench_out=${BENCH_OUT:-$bench_build/bench}
RTRUN=${RTRUN:-$bench_build/runtime/rtrun}

bench_die() {
	echo "${0##*/}: $*" >&2
	exit 1
}

bench_require() { # COMMAND (apt package)...
	local missing=()
	while [ $# -gt 0 ]; do
		command -v "$1" >/dev/null || missing+=("$1 ($2)")
		shift 2
	done
	[ ${#missing[@]} = 0 ] || bench_die "missing: ${missing[*]} (scripts/install-deps.sh installs them)"
}

# Fails clearly unless rtrun is built and can run a container from BUNDLE (a real run of
# `true` or whatever the bundle runs is the only honest test of that).
bench_require_rtrun() {
	[ -x "$RTRUN" ] || bench_die "rtrun not built at $RTRUN (cmake -S . -B build && make -C build)"
	"$RTRUN" --version >/dev/null || bench_die "$RTRUN --version failed"
}

bench_host_json() { # one JSON object describing where the numbers come from
	jq -n --arg kernel "$(uname -r)" --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')" \
		--argjson cpus "$(nproc)" --arg date "$(date -u +%FT%TZ)" --arg host "$(hostname)" \
		'{kernel: $kernel, cpu_model: $cpu, cpus: $cpus, date: $date, hostname: $host}'
}

# Writes a gnuplot PNG of latency histograms, log-log (latencies span microseconds to
# milliseconds). Args: PNG TITLE XLABEL then pairs DATAFILE LABEL (data: "bucket count" lines,
# 1-unit buckets plotted at their centre).
bench_plot_hist() {
	local png=$1 title=$2 xlabel=$3
	shift 3
	local plots=() sep=""
	while [ $# -gt 0 ]; do
		plots+=("$sep'$1' using (\$1 + 0.5):2 with points pt 7 ps 0.7 title '$2'")
		sep=", "
		shift 2
	done
	gnuplot <<EOF
set terminal pngcairo size 1000,600 noenhanced
set output '$png'
set title '$title'
set xlabel '$xlabel'
set ylabel 'count (log)'
set logscale xy
set xrange [0.5:*]
set yrange [0.8:*]
set grid
plot ${plots[*]}
EOF
}
