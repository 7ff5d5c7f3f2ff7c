#!/bin/bash
# The sanitizer lane: builds rtrun and the unit tests with ASan + UBSan (-fno-sanitize-recover=
# all; clang, a build directory of its own), runs the unit tests with leak detection, then real
# lifecycles with that rtrun (tests/sanitize/lifecycles.sh and three integration tests). Fails on any failed test and on any sanitizer report from any
# process (reports go to files, so those of container set-up children and of commands whose
# stderr a test swallows count too).
#
#   lane.sh [--build-dir DIR] [--plain-build DIR] [--no-build] [--unit-only]
#
# --plain-build is the ordinary build whose test helpers (static programs, which ASan cannot
# link) the lifecycles use; default: the directory above --build-dir.
#
# Nothing is disabled: every ASan and UBSan check is on, the first report aborts, and leak
# detection runs in the lifecycles too. (rtrun's container process is a clone that ends in
# execve or _exit, neither of which runs LeakSanitizer's exit-time check, so the parent's heap
# it inherits is not reported; a child that called exit() would need detect_leaks=0.)
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$src/build/asan
plain=
do_build=1
lifecycles=1
while [ $# -gt 0 ]; do
  case $1 in
  --build-dir) build=$2; shift 2 ;;
  --plain-build) plain=$2; shift 2 ;;
  --no-build) do_build=0; shift ;;
  --unit-only) lifecycles=0; shift ;;
  *) echo "lane.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
: "${plain:=$(dirname "$build")}"
reports=$build/reports
rm -rf "$reports"
mkdir -p "$reports"
fail=0

if [ "$do_build" = 1 ]; then
  # clang: its UBSan writes reports to log_path like ASan; gcc's combined runtime prints UBSan
  # reports only to stderr, which tests often capture. gcc still works, with that gap.
  cc=clang
  command -v clang >/dev/null || { cc=gcc; echo "note: no clang: UBSan reports go to stderr only"; }
  CC=$cc cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRTRUN_SANITIZE=ON \
    >"$build.cmake.log" 2>&1 || { cat "$build.cmake.log"; exit 1; }
  if ! cmake --build "$build" -j"$(nproc)" >"$build.build.log" 2>&1; then
    grep -E 'error|Error' "$build.build.log" | head -20
    exit 1
  fi
fi

common=abort_on_error=1:halt_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan

echo "# unit tests (ASan + UBSan + LeakSanitizer)"
ASAN_OPTIONS=$common:detect_leaks=1:log_path=$reports/asan-unit \
  ctest --test-dir "$build" -R '^unit/' -j"$(nproc)" --output-on-failure >"$build/unit.log" 2>&1 ||
  fail=1
grep -E 'tests passed|tests failed|Failed|\*\*\*' "$build/unit.log"

if [ "$lifecycles" = 1 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "note: not root: the lifecycles are not run"
  elif [ ! -d "$plain/tests/helpers" ]; then
    echo "lane.sh: $plain has no test helpers (give --plain-build)"
    fail=1
  else
    export RTRUN=$build/runtime/rtrun RTRUN_SRC=$src RTRUN_BUILD=$plain
    export ASAN_OPTIONS=$common:detect_leaks=1:log_path=$reports/asan
    for t in "$src/tests/sanitize/lifecycles.sh" "$src/tests/integration/t_core_lifecycle.sh" \
      "$src/tests/integration/t_core_failures.sh" "$src/tests/integration/t_core_input_limits.sh"; do
      name=$(basename "$t" .sh)
      rc=0
      bash "$t" >"$build/$name.log" 2>&1 || rc=$?
      if [ "$rc" -eq 0 ]; then
        echo "ok   $name: $(tail -1 "$build/$name.log")"
      elif [ "$rc" -eq 77 ]; then
        echo "skip $name: $(grep -m1 SKIP "$build/$name.log")"
      else
        echo "FAIL $name (exit $rc): $build/$name.log"
        grep -E '^FAIL|^ +(expected|got)' "$build/$name.log" | head -20
        fail=1
      fi
    done
  fi
fi

if [ -n "$(ls -A "$reports")" ]; then
  echo "FAIL: sanitizer reports:"
  for f in "$reports"/*; do
    echo "== $f"
    head -40 "$f"
  done
  fail=1
else
  echo "ok   no sanitizer report"
fi
exit $fail
