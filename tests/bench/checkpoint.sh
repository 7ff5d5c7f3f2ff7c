#!/bin/bash
# Checkpoint/restore benchmark in the pure cgroup v2 VM lane (criu 3.17 works on its 6.1 kernel,
# not on this host's 6.18): rtrun and runc, one after the other in the same guest, each with a
# small container (busybox-sized: memhog 0) and a 256 MiB one (memhog 256, every page
# written), who goes first alternating by round. Per round and container: checkpoint (wall time and criu's own frozen time from its
# stats-dump image), restore -d (wall time, criu's restore_time from stats-restore), then a
# pre-dump + dump (the frozen time of the final dump, which pre-dump keeps short). Prints
# medians; writes build/bench/checkpoint.json. TCG emulation here: compare within one run.
# usage: tests/bench/checkpoint.sh [-n ROUNDS (3)]
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rounds=3 guest=0
while getopts "n:gh" opt; do
	case $opt in
	n) rounds=$OPTARG ;;
	g) guest=1 ;; # internal: the part that runs inside the VM
	h) sed -n '2,9p' "$0"; exit 0 ;;
	*) exit 2 ;;
	esac
done
[[ $rounds =~ ^[1-9][0-9]*$ ]] || bench_die "bad -n"
MEMHOG=$bench_build/tests/helpers/memhog

if [ $guest = 0 ]; then
	bench_require qemu-system-x86_64 qemu-system-x86 jq jq busybox busybox-static runc runc \
		criu criu crit criu
	bench_require_rtrun
	[ -x "$MEMHOG" ] || bench_die "$MEMHOG is not built"
	[ "$(id -u)" = 0 ] || bench_die "run as root"
	mkdir -p "$bench_out"
	shares=(-s "$bench_src")
	[[ $bench_build == "$bench_src"/* ]] || shares+=(-s "$bench_build")
	echo "checkpoint/restore in a pure cgroup v2 VM (4 CPUs): $rounds round(s) of rtrun and runc"
	cd "$bench_src"
	exec "$bench_src/tests/vm/vm-lane.sh" -c 4 -g v2 -t 580 "${shares[@]}" -- \
		env RTRUN="$RTRUN" RTRUN_BUILD="$bench_build" bash "$bench_src/tests/bench/checkpoint.sh" -g -n "$rounds"
fi

# ---- inside the guest ----------------------------------------------------------------------
[ "${RTRUN_IN_VM:-}" = 1 ] || bench_die "-g is the part that runs inside the VM lane"
work=$(mktemp -d /run/checkpoint.XXXXXX) # tmpfs: 9p breaks criu
trap 'rm -rf "$work"' EXIT
declare -A bin=([rtrun]=$RTRUN [runc]=runc)
declare -A mib=([small]=0 [256MiB]=256)

bundle() { # DIR MIB: busybox + memhog, its stdio the container's own /dev/null
	mkdir -p "$1/rootfs"/{bin,proc,dev,sys,tmp}
	cp "$(command -v busybox)" "$1/rootfs/bin/busybox"
	ln -s busybox "$1/rootfs/bin/sh"
	cp "$MEMHOG" "$1/rootfs/bin/memhog"
	"$RTRUN" spec --bundle "$1"
	jq --arg m "$2" '.ociVersion = "1.1.0" | .process.terminal = false | .root.readonly = false
		| .process.args = ["sh", "-c", "exec </dev/null >/dev/null 2>&1; exec /bin/memhog " + $m]
		| .linux.resources.memory.limit = 536870912' "$1/config.json" >"$1/c.json"
	mv "$1/c.json" "$1/config.json"
}
count() { cat "$1/rootfs/tmp/count" 2>/dev/null || echo 0; }
wait_count() { # DIR N
	local i
	for i in $(seq 1 1200); do
		[ "$(count "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
ms() { echo $((($(date +%s%N) - $1) / 1000000)); }
stat_us() { # IMAGE-DIR FILE FIELD: a field of criu's stats image, in microseconds
	crit decode -i "$1/$2" 2>/dev/null | jq -r ".entries[0].${3%%.*}.${3#*.} // empty"
}

for size in small 256MiB; do bundle "$work/b-$size" "${mib[$size]}"; done
results=$work/results.ndjson
for ((r = 1; r <= rounds; r++)); do
	for size in small 256MiB; do
		# Who goes first alternates by round: the first dump of a boot pays cold caches.
		order=(rtrun runc)
		[ $((r % 2)) = 1 ] || order=(runc rtrun)
		for rt in "${order[@]}"; do
			b=$work/b-$size root=$work/root-$rt id=cr-$rt img=$work/img-$rt-$size-$r
			x=${bin[$rt]}
			"$x" --root "$root" run -d -b "$b" "$id" </dev/null >/dev/null 2>"$work/err" ||
				bench_die "$rt run ($size): $(cat "$work/err")"
			wait_count "$b" 2 || bench_die "$rt: memhog $size did not start"
			t0=$(date +%s%N)
			"$x" --root "$root" checkpoint --image-path "$img/full" "$id" 2>"$work/err" ||
				bench_die "$rt checkpoint ($size): $(cat "$work/err")"
			ck=$(ms "$t0")
			frozen=$(stat_us "$img/full" stats-dump dump.frozen_time)
			v=$(count "$b")
			t0=$(date +%s%N)
			"$x" --root "$root" restore -d -b "$b" --image-path "$img/full" "$id" </dev/null >/dev/null 2>"$work/err" ||
				bench_die "$rt restore ($size): $(cat "$work/err")"
			rs=$(ms "$t0")
			rs_criu=$(stat_us "$img/full" stats-restore restore.restore_time)
			wait_count "$b" $((v + 1)) || bench_die "$rt: the restored memhog $size does not count on"
			"$x" --root "$root" checkpoint --pre-dump --image-path "$img/pre" "$id" 2>"$work/err" ||
				bench_die "$rt pre-dump ($size): $(cat "$work/err")"
			t0=$(date +%s%N)
			"$x" --root "$root" checkpoint --image-path "$img/final" --parent-path ../pre "$id" 2>"$work/err" ||
				bench_die "$rt dump after pre-dump ($size): $(cat "$work/err")"
			ck_pre=$(ms "$t0")
			frozen_pre=$(stat_us "$img/final" stats-dump dump.frozen_time)
			"$x" --root "$root" delete -f "$id" >/dev/null 2>&1 || true
			rm -rf "$img"
			jq -nc --arg rt "$rt" --arg size "$size" --argjson r "$r" --argjson ck "$ck" --argjson rs "$rs" \
				--argjson ckp "$ck_pre" --arg fz "$frozen" --arg fzp "$frozen_pre" --arg rsc "$rs_criu" \
				'{runtime: $rt, size: $size, round: $r, checkpoint_ms: $ck, restore_ms: $rs,
				  frozen_ms: (($fz | tonumber? // null) | if . then ./1000 else null end),
				  criu_restore_ms: (($rsc | tonumber? // null) | if . then ./1000 else null end),
				  checkpoint_after_predump_ms: $ckp,
				  frozen_after_predump_ms: (($fzp | tonumber? // null) | if . then ./1000 else null end)}' >>"$results"
			echo "round $r $size $rt: checkpoint ${ck} ms (frozen ${frozen:-?} us), restore ${rs} ms, after pre-dump: checkpoint ${ck_pre} ms (frozen ${frozen_pre:-?} us)"
		done
	done
done

summary=$(jq -s 'def med: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor]
		else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	group_by([.size, .runtime]) | map({size: .[0].size, runtime: .[0].runtime, rounds: length,
		checkpoint_ms: (map(.checkpoint_ms) | med), frozen_ms: (map(.frozen_ms // empty) | med),
		restore_ms: (map(.restore_ms) | med), criu_restore_ms: (map(.criu_restore_ms // empty) | med),
		checkpoint_after_predump_ms: (map(.checkpoint_after_predump_ms) | med),
		frozen_after_predump_ms: (map(.frozen_after_predump_ms // empty) | med)})' "$results")
printf '\n%-7s %-6s %12s %10s %10s %14s %14s\n' size runtime checkpoint frozen restore "ckpt(pre-d)" "frozen(pre-d)"
jq -r '.[] | [.size, .runtime, "\(.checkpoint_ms)ms", "\(.frozen_ms)ms", "\(.restore_ms)ms",
	"\(.checkpoint_after_predump_ms)ms", "\(.frozen_after_predump_ms)ms"] | @tsv' <<<"$summary" |
	awk -F'\t' '{ printf "%-7s %-6s %12s %10s %10s %14s %14s\n", $1, $2, $3, $4, $5, $6, $7 }'
mkdir -p "$bench_out"
jq -n --argjson host "$(bench_host_json)" --argjson s "$summary" --argjson rounds "$rounds" \
	--arg v "$(runc --version | head -n 1); criu $(criu --version | sed -n 's/Version: //p')" \
	'{benchmark: "checkpoint", what: "checkpoint / restore -d / pre-dump + dump of memhog 0 and 256 MiB",
	  cgroup: "v2", rounds: $rounds, versions: $v, guest: $host, results: $s}' >"$bench_out/checkpoint.json"
echo "wrote $bench_out/checkpoint.json"
