#!/bin/bash
# The README's first command: install what is missing, build, and run the example driving stack
# on CPU 1 of this host, showing what rtrun does that runc cannot:
#   1. shield CPU 1 (tasks and IRQs move to the other CPUs),
#   2. create control, planning and perception (SCHED_DEADLINE reservations on CPU 1, admitted
#      by criticality; perception is elastic and gets compressed),
#   3. show `rtrun admission status`, then try one container too many and show its refusal,
#   4. run a CPU hog on the same CPU and print control's deadline misses and latency,
#   5. remove everything, the shield included.
# usage: scripts/demo.sh (as root) [--no-build]   (RTRUN_BUILD_DIR overrides the build dir)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${RTRUN_BUILD_DIR:-$src/build}
if [ "${1:-}" != --no-build ]; then
	"$src/scripts/install-deps.sh"
	cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build "$build" -j"$(nproc)"
fi
rtrun=$build/runtime/rtrun
root=/run/rtrun-demo
out=$(mktemp -d /tmp/rtrun-demo.XXXXXX)
cpu=1
ids=(demo-control demo-planning demo-perception demo-hog demo-control2)

[ "$(id -u)" = 0 ] || { echo "demo: run as root" >&2; exit 1; }
[ "$(nproc)" -ge 2 ] || { echo "demo: needs at least 2 CPUs (CPU $cpu is shielded)" >&2; exit 1; }

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { echo "+ rtrun $*"; "$rtrun" --root "$root" "$@"; }

cleanup() {
	for id in "${ids[@]}"; do "$rtrun" --root "$root" delete --force "$id" >/dev/null 2>&1 || true; done
	"$rtrun" cpus release >/dev/null 2>&1 || true
	rmdir "$root" 2>/dev/null || true
	rm -rf "$out"
}
trap cleanup EXIT

"$src/bundles/mkstack.sh" -b "$build" >/dev/null

say "Shield CPU $cpu for real-time work"
"$rtrun" cpus shield "$cpu"
"$rtrun" cpus status

say "Create the stack: control, planning, perception (all on CPU $cpu)"
for role in control planning perception; do
	echo "+ rtrun create --bundle bundles/$role demo-$role"
	"$rtrun" --root "$root" create --bundle "$src/bundles/$role" "demo-$role" \
		>"$out/$role.json" 2>"$out/$role.err" || { cat "$out/$role.err" >&2; exit 1; }
done
for role in control planning perception; do run start "demo-$role"; done

say "What the admission controller granted"
run admission status

say "One container too many: a second control loop on CPU $cpu"
if run create --bundle "$src/bundles/control" demo-control2 >/dev/null 2>"$out/refused.err"; then
	echo "demo: the fourth reservation was admitted, which the model says cannot happen" >&2
	exit 1
fi
echo "refused, as the model says:"
sed 's/^/    /' "$out/refused.err"

say "A CPU hog on the same CPU, while control runs"
run run --detach --bundle "$src/bundles/hog" demo-hog >/dev/null
pid=$("$rtrun" --root "$root" state demo-control | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
echo "control's process $pid: $(chrt -p "$pid" | tail -n1 | sed 's/.*: //')," \
	"CPUs $(taskset -pc "$pid" | sed 's/.*: //')"
echo "waiting for the control loop to finish its run (30 s)..."
while [ "$("$rtrun" --root "$root" state demo-control | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p')" != stopped ]; do
	sleep 1
done

say "Control loop under the hog"
json=$(tail -n1 "$out/control.json")
field() { echo "$json" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
lat() { echo "$json" | sed -n "s/.*\"latency_ns\":{[^}]*\"$1\":\([0-9]*\).*/\1/p"; }
printf '  activations %s, deadline misses %s, overruns %s\n' "$(field activations)" \
	"$(field misses)" "$(field overruns)"
printf '  wake-up latency: min %s us, avg %s us, p99 %s us, max %s us\n' \
	$(($(lat min) / 1000)) $(($(lat avg) / 1000)) $(($(lat p99) / 1000)) $(($(lat max) / 1000))

say "Clean up: containers, reservations, shield"
for id in demo-hog demo-perception demo-planning demo-control; do run delete --force "$id"; done
"$rtrun" cpus release
run admission status
