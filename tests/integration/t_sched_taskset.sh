#!/bin/bash
# `rtrun admission check --taskset`: verdicts, granted runtimes and exit codes of the example
# task sets under bundles/tasksets, invalid input, and that a check changes nothing.
# Named cases (cases_lib.sh): bash t_sched_taskset.sh --list; bash t_sched_taskset.sh NAME...
set -u
: "${RTRUN:?}" "${RTRUN_SRC:?}"
sets="$RTRUN_SRC/bundles/tasksets"
dir_all=$(mktemp -d /tmp/rtrun-test-sched-taskset.XXXXXX)
trap 'rm -rf "$dir_all"' EXIT
. "$(dirname "$0")/cases_lib.sh"
CASES_DIR=$dir_all
CASES_NO_ERREXIT=1 # each case counts its failures in $fails and ends with taskset_verdict
case_setup() {
  dir=$T
  export RTRUN_ADMISSION_DIR="$dir/admission"
  fails=0
}
# A what-if check leaves no ledger behind; the case's verdict.
taskset_verdict() {
  if [ -e "$RTRUN_ADMISSION_DIR/ledger.json" ] || [ -e "$RTRUN_ADMISSION_DIR/ledger.bin" ]; then
    echo "FAIL: check wrote a ledger"
    fails=$((fails + 1))
  fi
  [ "$fails" = 0 ]
}

if "$RTRUN" admission check --taskset "$sets/overload.json" 2>&1 | grep -q "not yet implemented"; then
        echo "SKIP: this rtrun does not dispatch commands yet (cli/cli.c)"
        exit 77
fi
command -v python3 >/dev/null || { echo "SKIP: python3 is needed to read the JSON"; exit 77; }

# run FILE EXPECTED_EXIT PYTHON_ASSERTIONS (on `doc`, the parsed output; `c` maps id -> entry)
run() {
        local file=$1 want=$2 check=$3 out rc
        out=$("$RTRUN" admission check --taskset "$sets/$file" --format json 2>"$dir/err")
        rc=$?
        if [ "$rc" != "$want" ]; then
                echo "FAIL: $file: exit $rc, want $want: $(cat "$dir/err")"
                fails=$((fails + 1))
                return
        fi
        if ! python3 -c "
import json, sys
doc = json.loads(sys.argv[1])
c = {x['id']: x for x in doc['containers']}
$check
" "$out"; then
                echo "FAIL: $file: $out"
                fails=$((fails + 1))
                return
        fi
        echo "ok: $file"
}

case_driving_stack() {
  run driving-stack.json 0 "
assert all(x['admitted'] for x in doc['containers'])
assert c['vehicle-control']['granted_runtime'] == 1500000
assert c['v2x-gateway']['granted_runtime'] == 2000000
assert 'granted_runtime' not in c['logger']
assert [x['cpu'] for x in doc['cpus']] == [0, 1, 2, 3]
assert 'vehicle-control' in doc['cpus'][1]['containers']"
  taskset_verdict
}

# online: control compresses perception (elastic, 5 ms down to 1 ms) to 0.9 - 0.3 - 0.4 = 0.2;
# mapping (perception, not elastic) finds no lower class and is rejected
case_overload() {
  run overload.json 2 "
assert c['perception']['granted_runtime'] == 2000000, c['perception']
assert c['planning']['granted_runtime'] == 3000000
assert c['control']['granted_runtime'] == 4000000
assert not c['mapping']['admitted'] and 'granted_runtime' not in c['mapping']
assert c['mapping']['reason'] == 'EDF: utilisation 1.000 > capacity 0.900 on CPU 1', c['mapping']
assert abs(doc['cpus'][1]['utilisation'] - 0.9) < 1e-9"
  taskset_verdict
}

case_dhall_effect() {
  run dhall-effect.json 2 "
assert c['light-a']['admitted'] and c['light-b']['admitted']
assert c['heavy']['reason'] == 'GFB: density 1.150 > bound 1.050 on CPUs 0-1', c['heavy']"
  taskset_verdict
}

case_qpa_fails_utilisation_passes() {
  run qpa-fails-utilisation-passes.json 2 "
assert c['steering']['admitted'] and c['braking']['admitted']
assert c['throttle']['reason'].startswith('QPA: demand 4.5 ms > 4 ms at t=4 ms on CPU 0'), c['throttle']"
  taskset_verdict
}

# invalid input: exit 1, the JSON path in the message
case_invalid_taskset() {
  printf '{"containers": [{"id": "a", "scheduler": {"policy": "SCHED_DEADLINE", "period": 1000000}}]}' >"$dir/bad.json"
  "$RTRUN" admission check --taskset "$dir/bad.json" >/dev/null 2>"$dir/err"
  rc=$?
  if [ $rc != 1 ] || ! grep -q 'containers\[0\].scheduler.runtime: required' "$dir/err"; then
          echo "FAIL: invalid taskset: exit $rc: $(cat "$dir/err")"
          fails=$((fails + 1))
  else
          echo "ok: invalid taskset"
  fi
  taskset_verdict
}

# Two bundles: ctrl (DEADLINE 5 of 10 ms, control) and hog (a whole CPU).
ctrl_and_hog() {
  (cd "$dir" && "$RTRUN" spec) || exit 1
  mkdir -p "$dir/ctrl" "$dir/hog"
  jq '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 5000000, "period": 10000000}
    | .annotations["org.rtrun.criticality"] = "control"' "$dir/config.json" >"$dir/ctrl/config.json"
  jq '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 10000000, "period": 10000000}' \
    "$dir/config.json" >"$dir/hog/config.json"
}

# check BUNDLE...: the bundles arrive online, in the order given (ids: directory names), on
# the host's CPUs with the kernel's capacity c < 1: ctrl (0.5) fits; hog asks for a whole CPU
# (density 1/c > 1), which no test admits.
case_check_bundles() {
  ctrl_and_hog
  out=$("$RTRUN" admission check "$dir/ctrl" "$dir/hog" --format json 2>"$dir/err")
  rc=$?
  if [ $rc != 2 ] || ! python3 -c "
import json, sys
c = {x['id']: x for x in json.loads(sys.argv[1])['containers']}
assert c['ctrl']['admitted'] and c['ctrl']['granted_runtime'] == 5000000, c
assert not c['hog']['admitted'], c
" "$out"; then
          echo "FAIL: check BUNDLE: exit $rc: $out $(cat "$dir/err")"
          fails=$((fails + 1))
  else
          echo "ok: check BUNDLE..."
  fi
  taskset_verdict
}

# check DIR: every bundle below, recursively, in name order; a directory without a bundle is
# skipped with a note; a bundle's own subdirectories (rootfs) are not searched; two bundles
# with one name keep their paths apart.
case_check_dir() {
  ctrl_and_hog
  mkdir -p "$dir/stack/a" "$dir/stack/b/deep" "$dir/stack/notes" "$dir/stack/dup"
  cp -r "$dir/ctrl" "$dir/stack/a/ctrl"
  cp -r "$dir/hog" "$dir/stack/b/deep/hog"
  mkdir -p "$dir/stack/a/ctrl/rootfs/inner" && cp "$dir/hog/config.json" "$dir/stack/a/ctrl/rootfs/inner/"
  jq '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 1000000, "period": 10000000}' \
    "$dir/config.json" >"$dir/stack/b/plan.json"
  mkdir -p "$dir/stack/b/plan" "$dir/stack/dup/plan" && mv "$dir/stack/b/plan.json" "$dir/stack/b/plan/config.json"
  cp "$dir/stack/b/plan/config.json" "$dir/stack/dup/plan/config.json"
  echo "not a bundle" >"$dir/stack/README"
  out=$("$RTRUN" admission check "$dir/stack" --format json 2>"$dir/err")
  rc=$?
  if [ $rc != 2 ] || ! grep -q "skipping $dir/stack/notes: not a bundle" "$dir/err" ||
          grep -q "inner" "$dir/err" || ! python3 -c "
import json, sys
ids = [x['id'] for x in json.loads(sys.argv[1])['containers']]
assert ids == ['ctrl', 'hog', 'plan', sys.argv[2] + '/stack/dup/plan'], ids
c = {x['id']: x for x in json.loads(sys.argv[1])['containers']}
assert c['ctrl']['admitted'] and not c['hog']['admitted'] and c['plan']['admitted'], c
" "$out" "$dir"; then
          echo "FAIL: check DIR: exit $rc: $out $(cat "$dir/err")"
          fails=$((fails + 1))
  else
          echo "ok: check DIR (recursive, notes: $(grep -c skipping "$dir/err"))"
  fi
  # a directory with no bundle at all is invalid input
  "$RTRUN" admission check "$dir/stack/notes" >/dev/null 2>"$dir/err"
  rc=$?
  if [ $rc != 1 ] || ! grep -q "stack/notes: no bundle (config.json) in it or below it" "$dir/err"; then
          echo "FAIL: check empty DIR: exit $rc: $(cat "$dir/err")"
          fails=$((fails + 1))
  else
          echo "ok: check DIR without bundles"
  fi
  taskset_verdict
}

# --format junit: well-formed XML (python's parser), one testcase per container, a rejection is
# a failure carrying the reason; same exit codes as the other formats.
junit() { # NAME EXPECTED_EXIT PYTHON_ASSERTIONS ARGS...
        local name=$1 want=$2 check=$3 out rc
        shift 3
        out=$("$RTRUN" admission check "$@" --format junit 2>"$dir/err")
        rc=$?
        if [ $rc != "$want" ] || ! python3 -c "
import sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.argv[1])
suite = root.find('testsuite')
cases = {c.get('name'): c for c in suite.findall('testcase')}
$check
" "$out"; then
                echo "FAIL: junit $name: exit $rc: $out $(cat "$dir/err")"
                fails=$((fails + 1))
        else
                echo "ok: junit $name"
        fi
}
case_junit_overload() {
  junit overload 2 "
assert root.tag == 'testsuites' and root.get('tests') == '4' and root.get('failures') == '1'
assert suite.get('tests') == '4' and suite.get('failures') == '1', suite.attrib
f = cases['mapping'].find('failure')
assert f.get('message') == 'EDF: utilisation 1.000 > capacity 0.900 on CPU 1', f.attrib
assert f.text == f.get('message')
assert cases['control'].find('failure') is None
props = {p.get('name'): p.get('value') for p in cases['perception'].iter('property')}
assert props['granted_runtime'] == '2000000', props
assert cases['control'].get('classname') == 'admission.control'
" --taskset "$sets/overload.json"
  taskset_verdict
}

case_junit_driving_stack() {
  junit driving-stack 0 "
assert root.get('failures') == '0' and all(c.find('failure') is None for c in cases.values())
" --taskset "$sets/driving-stack.json"
  taskset_verdict
}

# names XML must escape, and bytes it cannot carry
case_junit_escaping() {
  ctrl_and_hog
  mkdir -p "$dir/esc/a&b<\"c\">" "$dir/esc/$(printf 'ctl\001x')"
  cp "$dir/hog/config.json" "$dir/esc/a&b<\"c\">/"
  cp "$dir/ctrl/config.json" "$dir/esc/$(printf 'ctl\001x')/"
  junit escaping 2 "
assert 'a&b<\"c\">' in cases and 'ctl?x' in cases, list(cases)
assert cases['a&b<\"c\">'].find('failure') is not None
" "$dir/esc"
  taskset_verdict
}

# the table format too, and a what-if leaves no ledger behind (taskset_verdict)
case_table() {
  "$RTRUN" admission check --taskset "$sets/driving-stack.json" >"$dir/table" || fails=$((fails + 1))
  grep -q '^vehicle-control  *yes  *control' "$dir/table" || { echo "FAIL: table"; fails=$((fails + 1)); }
  taskset_verdict
}

# `features` advertises the annotations the controller reads.
case_features_and_help() {
  feat=$("$RTRUN" features)
  for key in org.rtrun.admission org.rtrun.criticality org.rtrun.elastic.min-runtime \
          org.rtrun.timing.wcet org.rtrun.scheduler; do
          echo "$feat" | grep -q "\"$key\"" || { echo "FAIL: features lacks $key"; fails=$((fails + 1)); }
  done
  "$RTRUN" admission --help | grep -q '^Usage: rtrun admission status' ||
          { echo "FAIL: admission --help"; fails=$((fails + 1)); }
  taskset_verdict
}

run_cases "$@"
