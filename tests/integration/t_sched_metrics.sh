#!/bin/bash
# `rtrun metrics`: the Prometheus text exposition format, read back with the Prometheus
# project's own parser (python3-prometheus-client). A private ledger holds a live reservation
# (a real process: its kernel accounting must appear), a dead one (listed, alive 0, no process
# metrics) and decision counters; CPU capacity must agree with `admission status`.
# Named cases (cases_lib.sh): bash t_sched_metrics.sh --list; bash t_sched_metrics.sh NAME...
set -u
: "${RTRUN:?}"
dir=$(mktemp -d /tmp/rtrun-test-sched-metrics.XXXXXX)
trap 'rm -rf "$dir"' EXIT
. "$(dirname "$0")/cases_lib.sh"
CASES_DIR=$dir
# Debian's package serves /usr/bin/python3, which a python3 earlier in PATH may shadow
PY=
for p in python3 /usr/bin/python3; do
        "$p" -c 'import prometheus_client.parser' 2>/dev/null && { PY=$p; break; }
done
[ -n "$PY" ] ||
        { echo "SKIP: python3-prometheus-client is missing (scripts/install-deps.sh)"; exit 77; }

fail() {
  echo "FAIL: $*"
  exit 1
}

# field 22 of /proc/PID/stat (after the parenthesised comm)
starttime() { sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20; }

# A private ledger: a live reservation held by a sleeping process, a dead one, counters.
case_setup() {
  export RTRUN_ADMISSION_DIR="$T/admission"
  sleep 1000 &
  sleep_pid=$!
  echo "$sleep_pid" >"$T/sleep.pid"
  /bin/true &
  dead_pid=$!
  wait $dead_pid
  mkdir -p "$RTRUN_ADMISSION_DIR/reservations"
  cat >"$RTRUN_ADMISSION_DIR/ledger.json" <<JSON
{"version": 1, "counters": {"admitted": 7, "refused": 3, "compressed": 2}, "entries": [
 {"id": "ctl", "name": "pod/\"steer\"\\\\x", "root": "/run/rtrun", "pid": $sleep_pid,
  "starttime": $(starttime $sleep_pid), "kind": "deadline", "criticality": "control",
  "policy": 6, "priority": 0, "cpus": "0", "runtime": 4000000, "deadline": 10000000,
  "period": 10000000, "elastic": {"min_runtime": 1000000, "weight": 1}, "granted": 2500000},
 {"id": "gone", "root": "/run/other", "pid": $dead_pid, "starttime": 1, "kind": "timed",
  "criticality": "perception", "policy": 1, "priority": 10, "cpus": "0", "runtime": 1000000,
  "deadline": 20000000, "period": 20000000, "granted": 1000000}]}
JSON
}
case_teardown() {
  [ -s "$T/sleep.pid" ] && kill "$(cat "$T/sleep.pid")" 2>/dev/null
  true
}

case_parse_and_agree() {
  out=$("$RTRUN" metrics 2>"$T/err") || fail "metrics: exit $?: $(cat "$T/err")"
  status=$("$RTRUN" admission status --format json 2>>"$T/err") || fail "status: $(cat "$T/err")"
  if "$PY" - "$out" "$status" <<'PY'; then echo "ok: metrics parse and agree"; else fail "metrics: $out"; fi
import json, sys
from prometheus_client.parser import text_string_to_metric_families
fams = {f.name: f for f in text_string_to_metric_families(sys.argv[1])}
status = json.loads(sys.argv[2])
# a counter's family is named without _total, its samples with it
def samples(metric, **labels):
    return [s for f in fams.values() for s in f.samples
            if s.name == metric and all(s.labels.get(k) == v for k, v in labels.items())]
def one(metric, **labels):
    got = samples(metric, **labels)
    assert len(got) == 1, (metric, labels, got)
    return got[0].value

for c in status["cpus"]:
    assert abs(one("rtrun_cpu_capacity", cpu=str(c["cpu"])) - c["capacity"]) < 1e-9
assert abs(one("rtrun_cpu_utilisation", cpu="0") - 0.25) < 1e-9   # the dead one not counted
assert fams["rtrun_cpu_capacity"].type == "gauge"
assert one("rtrun_reservations", state="alive") == 1
assert one("rtrun_reservations", state="dead") == 1
assert fams["rtrun_admission_decisions"].type == "counter"
assert one("rtrun_admission_decisions_total", result="admitted") == 7
assert one("rtrun_admission_decisions_total", result="refused") == 3
assert one("rtrun_admission_compressions_total") == 2
ctl = dict(id="ctl", name='pod/"steer"\\x', root="/run/rtrun", criticality="control", cpus="0")
assert one("rtrun_reservation_requested_runtime_seconds", **ctl) == 0.004
assert one("rtrun_reservation_granted_runtime_seconds", **ctl) == 0.0025
assert one("rtrun_reservation_period_seconds", **ctl) == 0.01
assert one("rtrun_reservation_utilisation", **ctl) == 0.25
assert one("rtrun_reservation_criticality", **ctl) == 3
assert one("rtrun_reservation_compressed", **ctl) == 1
assert one("rtrun_reservation_alive", **ctl) == 1
assert one("rtrun_reservation_alive", id="gone") == 0
assert one("rtrun_reservation_criticality", id="gone") == 1
assert fams["rtrun_process_cpu_seconds"].type == "counter"
assert one("rtrun_process_cpu_seconds_total", id="ctl") >= 0
assert one("rtrun_process_wait_seconds_total", id="ctl") >= 0
assert one("rtrun_process_involuntary_switches_total", id="ctl") >= 0
assert samples("rtrun_process_cpu_seconds_total", id="gone") == []
PY
}

# the process counters are the kernel's: schedstat's run time of the sleeping process
case_kernel_counters() {
  out=$("$RTRUN" metrics 2>"$T/err") || fail "metrics: exit $?: $(cat "$T/err")"
  want=$(cut -d' ' -f1 "/proc/$sleep_pid/schedstat")
  got=$(echo "$out" | sed -n 's/^rtrun_process_cpu_seconds_total{id="ctl".* //p')
  python3 -c "import sys; assert abs(float(sys.argv[1]) - int(sys.argv[2]) / 1e9) < 1e-6" "$got" "$want" ||
          fail "cpu seconds $got, schedstat $want"
}

# --output: written whole (temp + rename) for node_exporter's textfile collector
case_output_file() {
  "$RTRUN" metrics --output "$T/rtrun.prom" || fail "metrics --output: exit $?"
  grep -q '^rtrun_reservations{state="alive"} 1$' "$T/rtrun.prom" || fail "--output content"
  ! ls "$T" | grep -q '\.tmp' || fail "--output left a temp file"
}

# usage errors: exit 1 and the reason; --help describes the options
case_usage_errors() {
  rc=0
  "$RTRUN" metrics --bogus >/dev/null 2>"$T/err" || rc=$?
  [ $rc = 1 ] && grep -q "unknown option --bogus" "$T/err" || fail "bad option: $(cat "$T/err")"
  rc=0
  "$RTRUN" metrics extra >/dev/null 2>"$T/err" || rc=$?
  [ $rc = 1 ] || fail "extra argument accepted"
  "$RTRUN" metrics --help | grep -q -- '--output FILE' || fail "metrics --help"
}

# no ledger yet (a fresh host): CPU metrics, zero reservations, zero counters
case_fresh_host() {
  RTRUN_ADMISSION_DIR="$T/fresh" "$RTRUN" metrics >"$T/fresh.prom" || fail "fresh: exit $?"
  grep -q '^rtrun_reservations{state="alive"} 0$' "$T/fresh.prom" || fail "fresh: $(cat "$T/fresh.prom")"
}

run_cases "$@"
