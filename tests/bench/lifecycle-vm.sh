#!/bin/bash
# Lifecycle benchmark in the pure cgroup v2 VM lane (crun refuses this host's hybrid cgroups):
# inside one 4-CPU v2 guest, rtrun, runc and crun each run a busybox `true` container
# (run = create + start + wait, then delete), N rounds, the runtimes interleaved within each
# round so that drift hits them alike. Prints the median per runtime and the ratios
# rtrun/runc and rtrun/crun (targets: <= 0.25 and <= 0.8); writes build/bench/lifecycle-vm.json.
# The guest is software-emulated here (TCG): absolute times are slow, the ratios are the result.
# usage: tests/bench/lifecycle-vm.sh [-n ROUNDS (30)]
rtrun_given=${RTRUN:-} # an explicit RTRUN is benchmarked as it is
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rounds=30 guest=0
while getopts "n:gh" opt; do
	case $opt in
	n) rounds=$OPTARG ;;
	g) guest=1 ;; # internal: the part that runs inside the VM
	h) sed -n '2,9p' "$0"; exit 0 ;;
	*) exit 2 ;;
	esac
done
[[ $rounds =~ ^[1-9][0-9]*$ ]] || bench_die "bad -n"

if [ $guest = 0 ]; then
	bench_require qemu-system-x86_64 qemu-system-x86 jq jq busybox busybox-static runc runc crun crun
	bench_require_rtrun
	[ "$(id -u)" = 0 ] || bench_die "run as root"
	mkdir -p "$bench_out"
	# rtrun as it is installed (cmake --install --strip), like the packaged runc and crun: the
	# guest reads every binary over 9p at each exec, and the build tree's copy carries 1.4 MB of
	# debug info that the others do not.
	if [ -z "$rtrun_given" ]; then
		inst=$bench_out/install
		cmake --install "$bench_build" --prefix "$inst" --strip >/dev/null ||
			bench_die "cmake --install $bench_build failed"
		RTRUN=$inst/bin/rtrun
	fi
	shares=(-s "$bench_src")
	[[ $bench_build == "$bench_src"/* ]] || shares+=(-s "$bench_build")
	echo "lifecycle in a pure cgroup v2 VM (4 CPUs): $rounds rounds of rtrun, runc, crun"
	cd "$bench_src"
	exec "$bench_src/tests/vm/vm-lane.sh" -c 4 -g v2 -t 1200 "${shares[@]}" -- \
		env RTRUN="$RTRUN" RTRUN_BUILD="$bench_build" bash "$bench_src/tests/bench/lifecycle-vm.sh" -g -n "$rounds"
fi

# ---- inside the guest ----------------------------------------------------------------------
[ "${RTRUN_IN_VM:-}" = 1 ] || bench_die "-g is the part that runs inside the VM lane"
work=$(mktemp -d /run/lifecycle.XXXXXX) # tmpfs: runc and crun need FIFOs in their state dirs
bundle=$work/bundle
mkdir -p "$bundle/rootfs"/{bin,proc,dev,sys,tmp}
cp "$(command -v busybox)" "$bundle/rootfs/bin/busybox"
ln -s busybox "$bundle/rootfs/bin/true"
ln -s busybox "$bundle/rootfs/bin/sh"
# bundles/hog without its CPU pinning, annotations or program: a plain `true`. ociVersion 1.1.0:
# Debian's crun 1.8.1 refuses 1.2.0.
jq '.ociVersion = "1.1.0" | .process.args = ["/bin/true"] | .hostname = "lifecycle" | .annotations = {} |
	del(.linux.resources.cpu)' "$bench_src/bundles/hog/config.json" >"$bundle/config.json"

declare -A bin=([rtrun]=$RTRUN [runc]=runc [crun]=crun)
runtimes=()
rtrun_ok=1
# One lifecycle: run (create + start + wait), then delete. runc and crun already delete in a
# foreground run; delete whatever is left, as a state dir under --root shows.
lifecycle() { # RUNTIME
	"${bin[$1]}" --root "$work/root-$1" run -b "$bundle" "lc-$1" || return
	[ ! -d "$work/root-$1/lc-$1" ] || "${bin[$1]}" --root "$work/root-$1" delete "lc-$1"
}
for rt in rtrun runc crun; do
	if lifecycle $rt >"$work/probe.out" 2>&1; then
		runtimes+=("$rt")
	else
		echo "$rt cannot run the bundle in the v2 guest; left out:" >&2
		sed 's/^/    /' "$work/probe.out" >&2
		"${bin[$rt]}" --root "$work/root-$rt" delete -f "lc-$rt" >/dev/null 2>&1 || true
		[ $rt != rtrun ] || rtrun_ok=0
	fi
done
[ ${#runtimes[@]} -gt 0 ] || bench_die "no runtime could run the bundle"

for ((i = 1; i <= rounds; i++)); do
	for rt in "${runtimes[@]}"; do
		t0=$(date +%s%N)
		lifecycle "$rt" >/dev/null 2>&1 || bench_die "$rt failed in round $i"
		echo $(($(date +%s%N) - t0)) >>"$work/$rt.ns"
	done
done

results=$(for rt in "${runtimes[@]}"; do
	sort -n "$work/$rt.ns" | jq -s --arg rt "$rt" '
		{($rt): {runs: length, median_ms: ((if length % 2 == 1 then .[length / 2 | floor]
		          else (.[length / 2 - 1] + .[length / 2]) / 2 end) / 1e4 | round / 100),
		         min_ms: (.[0] / 1e4 | round / 100), max_ms: (.[-1] / 1e4 | round / 100)}}'
done | jq -s add)
ratios=$(jq '. as $r | def ratio(a; b): if $r[a] and $r[b] then ($r[a].median_ms / $r[b].median_ms * 100 | round / 100) else null end;
	{rtrun_over_runc: ratio("rtrun"; "runc"), rtrun_over_crun: ratio("rtrun"; "crun"),
	 crun_over_runc: ratio("crun"; "runc")}' <<<"$results")

printf '\n%-6s %10s %10s %10s %5s\n' runtime median min max runs
jq -r 'to_entries[] | [.key, "\(.value.median_ms)ms", "\(.value.min_ms)ms", "\(.value.max_ms)ms", .value.runs] | @tsv' <<<"$results" |
	awk -F'\t' '{ printf "%-6s %10s %10s %10s %5s\n", $1, $2, $3, $4, $5 }'
jq -r '"rtrun/runc x\(.rtrun_over_runc) (target <= 0.25), rtrun/crun x\(.rtrun_over_crun) (target <= 0.8), crun/runc x\(.crun_over_runc)"' <<<"$ratios"
mkdir -p "$bench_out"
jq -n --argjson host "$(bench_host_json)" --argjson results "$results" --argjson ratios "$ratios" \
	--argjson rounds "$rounds" --arg v "$(runc --version | head -n 1); $(crun --version | head -n 1)" \
	'{benchmark: "lifecycle-vm", what: "run (create+start+wait) + delete of busybox true",
	  cgroup: "v2", rounds: $rounds, versions: $v, guest: $host, results: $results, ratios: $ratios}' \
	>"$bench_out/lifecycle-vm.json"
echo "wrote $bench_out/lifecycle-vm.json"
rm -rf "$work"
[ $rtrun_ok = 1 ] || bench_die "rtrun could not run the bundle (error above)"
