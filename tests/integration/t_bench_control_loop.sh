#!/bin/bash
# tests/bench/control-loop.sh, scenarios 2 and 3 at 1 s per run: what the runtimes did is read
# back from the probes' own JSON, not timed. runc lets a container take SCHED_FIFO 99 itself and
# starts every over-asking real-time container (all SCHED_OTHER); rtrun runs control as
# SCHED_DEADLINE, its guard answers the rogue's FIFO request with EPERM, and admission refuses
# the DEADLINE over-ask and the second overbooking container with the reason. The table, JSON
# and PNGs are written, and the script leaves no state root, shield, memory cgroup or container.
set -u
src=${RTRUN_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${RTRUN_BUILD:-$src/build}
rtrun=${RTRUN:-$build/runtime/rtrun}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
[ "$(nproc)" -ge 2 ] || { echo "SKIP: needs 2 CPUs"; exit 77; }
for c in runc gnuplot jq busybox; do command -v $c >/dev/null || { echo "SKIP: no $c"; exit 77; }; done
[ -x "$build/tests/helpers/rtprobe" ] || { echo "SKIP: rtprobe is not built"; exit 77; }
# Another DEADLINE user or a shield already up would change what admission and cleanup see.
if [ -n "$("$rtrun" cpus status --format json | jq -r '.deadlineTasks[]?.pid' | head -1)" ]; then
	echo "SKIP: other SCHED_DEADLINE tasks run on this host"
	exit 77
fi
"$rtrun" cpus status | awk '$1 == 1 && $2 == "yes" { exit 1 }' || { echo "SKIP: CPU 1 is shielded already"; exit 77; }

out=$(mktemp -d /tmp/rtrun-test-bench-cl.XXXXXX)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
before=$(ls -d /run/rtrun-bench-cl.* 2>/dev/null | wc -l)
BENCH_OUT=$out RTRUN="$rtrun" RTRUN_BUILD=$build bash "$src/tests/bench/control-loop.sh" -d 1 -s "2 3" \
	>"$out/log" 2>&1 || { cat "$out/log"; fail "control-loop.sh exited non-zero"; }
cat "$out/log"
j=$out/control-loop.json
row() { jq -c --argjson s "$1" --arg r "$2" '.results[] | select(.scenario == $s and .runtime == $r)' "$j"; }
for s in 2 3; do
	for r in runc rtrun host; do [ -n "$(row $s $r)" ] || fail "no row for scenario $s, $r"; done
	[ "$(row $s rtrun | jq -r .policy)" = SCHED_DEADLINE ] || fail "S$s: rtrun's control was not SCHED_DEADLINE"
	[ "$(row $s runc | jq -r .policy)" = SCHED_OTHER ] || fail "S$s: runc's control was not SCHED_OTHER"
	[ "$(row $s host | jq -r .policy)" = SCHED_FIFO ] || fail "S$s: the floor was not SCHED_FIFO"
	[ -s "$out/control-loop-hist-$s.png" ] || fail "no histogram PNG for scenario $s"
done
note() { row "$1" "$2" | jq -r .note; }
note 2 runc | grep -q "rogue ran as SCHED_FIFO (its own FIFO request: granted)" || fail "runc: rogue did not get FIFO: $(note 2 runc)"
note 2 runc | grep -q "overask admitted" || fail "runc: over-ask not started: $(note 2 runc)"
note 2 rtrun | grep -q "rogue ran as SCHED_OTHER (its own FIFO request: Operation not permitted)" ||
	fail "rtrun: the guard did not stop the rogue's FIFO: $(note 2 rtrun)"
note 2 rtrun | grep -q "overask refused: .*utilisation" || fail "rtrun: over-ask not refused with the reason: $(note 2 rtrun)"
note 3 runc | grep -q "rt-b admitted" || fail "runc: rt-b not started: $(note 3 runc)"
note 3 rtrun | grep -q "rt-a admitted" || fail "rtrun: rt-a not admitted: $(note 3 rtrun)"
note 3 rtrun | grep -q "rt-b refused: .*utilisation" || fail "rtrun: rt-b not refused with the reason: $(note 3 rtrun)"
[ -s "$out/control-loop-cdf.png" ] && [ -s "$out/control-loop.txt" ] || fail "no CDF PNG or text table"
# Nothing left behind.
[ "$(ls -d /run/rtrun-bench-cl.* 2>/dev/null | wc -l)" = "$before" ] || fail "a state root was left in /run"
"$rtrun" cpus status | awk '$1 == 1 && $2 == "yes" { exit 1 }' || fail "the shield on CPU 1 was left up"
ls -d /sys/fs/cgroup/memory/rtrun-bench-* /sys/fs/cgroup/rtrun-bench-* /var/tmp/rtrun-bench-* 2>/dev/null && fail "memory cgroup or thrash file left"
[ -z "$(runc list -q 2>/dev/null | grep -- '-ctl-\|-rogue-\|-overask-\|-rt-a-\|-rt-b-')" ] || fail "runc containers left in the default root"
echo PASS
