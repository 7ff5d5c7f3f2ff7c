#!/bin/bash
# `rtrun top`: frames of a private ledger whose reservations are real processes: a busy loop
# granted 1 ms every 10 ms (it uses far more: USE% over 100, OVER counts the intervals) and a
# sleeper (USED 0); a dead entry is counted, not shown. Not on a terminal: plain frames, as many
# as --iterations, exit 0. SIGINT ends an endless top with exit 0; on a terminal (script(1)
# gives it a pty) each frame clears the screen and typing q quits, the terminal restored.
set -u
: "${RTRUN:?}"
dir=$(mktemp -d /tmp/rtrun-test-sched-top.XXXXXX)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$dir"' EXIT
export RTRUN_ADMISSION_DIR="$dir/admission"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
starttime() { sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20; }

sh -c 'while :; do :; done' &
busy=$!
sleep 1000 &
sleeper=$!
pids=($busy $sleeper)
/bin/true &
dead=$!
wait $dead
mkdir -p "$RTRUN_ADMISSION_DIR/reservations"
entry() { # ID PID STARTTIME CRIT GRANTED
	printf '{"id": "%s", "root": "/run/rtrun", "pid": %s, "starttime": %s, "kind": "deadline",
  "criticality": "%s", "policy": 6, "priority": 0, "cpus": "0", "runtime": 2000000,
  "deadline": 10000000, "period": 10000000, "granted": %s}' "$@"
}
cat >"$RTRUN_ADMISSION_DIR/ledger.json" <<JSON
{"version": 1, "counters": {"admitted": 5, "refused": 1, "compressed": 0}, "entries": [
 $(entry busy-one $busy "$(starttime $busy)" control 1000000),
 $(entry sleepy $sleeper "$(starttime $sleeper)" planning 2000000),
 $(entry gone $dead 1 perception 2000000)]}
JSON

"$RTRUN" top --iterations 3 --delay 0.3 >"$dir/frames" 2>"$dir/err"
rc=$?
cat "$dir/frames"
[ $rc = 0 ] || fail "top -n 3: exit $rc: $(cat "$dir/err")"
[ "$(grep -c '^rtrun top - .* frame [0-9]' "$dir/frames")" = 3 ] || fail "not 3 frames"
grep -q $'\033' "$dir/frames" && fail "escape sequences although stdout is not a terminal"
grep -q 'reservations: 2 alive, 1 dead  decisions: 5 admitted, 1 refused' "$dir/frames" || fail "header"
grep -q '^gone ' "$dir/frames" && fail "the dead entry is listed"
# the last frame's rows: USED USE% OVER are columns 8-10
last=$(awk '/frame 3/ {f = 1} f' "$dir/frames")
read -r _ _ crit pol cpus grant period used use over _ < <(grep '^busy-one ' <<<"$last")
[ "$crit $pol $cpus $grant $period" = "control DEADLINE 0 1.000 10.000" ] ||
	fail "busy row: $crit $pol $cpus $grant $period"
awk -v u="$use" -v o="$over" 'BEGIN { exit !(u + 0 > 100 && o + 0 >= 1) }' ||
	fail "busy loop: USE% $use, OVER $over (want > 100 and >= 1)"
read -r _ _ _ _ _ _ _ sused _ sover _ < <(grep '^sleepy ' <<<"$last")
[ "$sused" = 0.000 ] && [ "$sover" = 0 ] || fail "sleeper: USED $sused OVER $sover"
grep -q '^busy-one .* -  *-  *0  *-$' <(awk '/frame 1/,/frame 2/' "$dir/frames") ||
	fail "frame 1 must show no use yet (no interval)"
ok "3 plain frames; busy loop USE% $use OVER $over; sleeper USED $sused"

# SIGINT ends an endless top cleanly
"$RTRUN" top --delay 0.2 >"$dir/int" 2>&1 &
top=$!
sleep 0.7
kill -INT $top
for _ in $(seq 30); do kill -0 $top 2>/dev/null || break; sleep 0.1; done
if kill -0 $top 2>/dev/null; then
	kill -9 $top
	fail "top still runs 3 s after SIGINT"
else
	wait $top
	rc=$?
	[ $rc = 0 ] && [ "$(grep -c 'frame' "$dir/int")" -ge 2 ] && ok "SIGINT: exit 0 after $(grep -c frame "$dir/int") frames" ||
		fail "SIGINT: exit $rc, $(grep -c frame "$dir/int") frames"
fi

# on a terminal: the screen is cleared per frame and q quits
if command -v script >/dev/null; then
	(sleep 1; printf q) | timeout 10 script -qec "stty -echo 2>/dev/null; '$RTRUN' top --delay 0.2; echo top-exit=\$?; stty -a" /dev/null >"$dir/tty" 2>&1
	rc=$?
	[ $rc = 0 ] || fail "top on a pty did not quit on q (script exit $rc)"
	grep -q 'top-exit=0' "$dir/tty" || fail "top on a pty: $(tail -3 "$dir/tty")"
	grep -q $'\033\[H\033\[2J' "$dir/tty" || fail "no screen clearing on a terminal"
	grep -q ' icanon ' "$dir/tty" || fail "the terminal was left without icanon"
	[ $fails = 0 ] && ok "pty: frames clear the screen, q quits, the terminal is restored"
fi

"$RTRUN" top --delay 0 2>"$dir/err" && fail "--delay 0 accepted"
grep -q 'seconds from 0.1' "$dir/err" || fail "--delay 0: $(cat "$dir/err")"
[ $fails = 0 ] && echo PASS
exit $((fails > 0))
