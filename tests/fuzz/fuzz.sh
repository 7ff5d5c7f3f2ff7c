#!/bin/bash
# Builds the libFuzzer targets (clang, ASan + UBSan, a build directory of their own) and runs
# them. Any crash, sanitizer report, leak, timeout or broken invariant fails the run and leaves
# the input that caused it under BUILD/artifacts/.
#
#   fuzz.sh [--build-dir DIR] [--build-only | --no-build] [--seconds N] [--corpus DIR]
#           [TARGET...]
#
# TARGET is config, process, resources, taskset or admission (default: all). Seeds come from
# bundles/ and the integration tests' configs, cut into what each parser reads; what the
# fuzzer finds accumulates in the corpus directory (default BUILD/corpus/TARGET), so later runs
# start where earlier ones stopped. Exit 77 when clang or libFuzzer is missing.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$src/build-fuzz
mode=all
seconds=25
corpus_root=
targets=()
while [ $# -gt 0 ]; do
  case $1 in
  --build-dir) build=$2; shift 2 ;;
  --build-only) mode=build; shift ;;
  --no-build) mode=run; shift ;;
  --seconds) seconds=$2; shift 2 ;;
  --corpus) corpus_root=$2; shift 2 ;;
  -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
  -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
  *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(config process resources taskset admission)
: "${corpus_root:=$build/corpus}"

# clang with libFuzzer's runtime (Debian: clang and libclang-rt-14-dev)
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return !d && n; }' >"$probe/p.c"
if ! command -v clang >/dev/null ||
  ! clang -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" 2>"$probe/err"; then
  echo "SKIP: clang with libFuzzer is missing (scripts/install-deps.sh: clang libclang-rt-14-dev)"
  head -3 "$probe/err" 2>/dev/null || true
  exit 77
fi

if [ "$mode" != run ]; then
  CC=clang cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRTRUN_FUZZ=ON \
    >"$build.cmake.log" 2>&1 || { cat "$build.cmake.log"; exit 1; }
  cmake --build "$build" -j"$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}") 2>&1 |
    grep -Ev '^\[ *[0-9]+%\] (Building|Linking|Built)' || true
  for t in "${targets[@]}"; do
    [ -x "$build/tests/fuzz/fuzz_$t" ] || { echo "fuzz.sh: fuzz_$t did not build"; exit 1; }
  done
fi

# Seeds: every config.json we have, and its process and linux.resources parts. Made when
# building (ctest's fuzz/build) or when missing.
seeds=$build/seeds
if [ "$mode" != run ] || [ ! -d "$seeds/admission" ]; then
  rm -rf "$seeds"
  mkdir -p "$seeds"/{config,process,resources,taskset,admission}
  i=0
  while IFS= read -r f; do
    i=$((i + 1))
    cp "$f" "$seeds/config/$i.json"
    command -v jq >/dev/null || continue
    jq -e .process "$f" >"$seeds/process/$i.json" 2>/dev/null || rm -f "$seeds/process/$i.json"
    jq -e .linux.resources "$f" >"$seeds/resources/$i.json" 2>/dev/null ||
      rm -f "$seeds/resources/$i.json"
  done < <(find "$src/bundles" "$src/tests" -name '*.json' -path '*config*' | sort)
  cp "$src"/bundles/tasksets/*.json "$seeds/taskset/"
  printf '\x13\x03\x42\x10\x20\x00\x05\x20\x00\x10\x30\x00\x20\x01\x30\x00\x05' >"$seeds/admission/1"
  # A dictionary of every key the seeds use helps the fuzzer spell fields.
  if command -v jq >/dev/null; then
    cat "$seeds"/config/*.json "$seeds"/taskset/*.json 2>/dev/null |
      jq -r '[paths | .[] | strings] | .[]' 2>/dev/null | sort -u |
      sed 's/\\/\\\\/g; s/"/\\"/g; s/.*/"\\"&\\""/' >"$build/keys.dict" || true
  fi
fi
[ "$mode" = build ] && exit 0

fail=0
for t in "${targets[@]}"; do
  bin=$build/tests/fuzz/fuzz_$t
  [ -x "$bin" ] || { echo "fuzz.sh: $bin is missing (run without --no-build)"; exit 1; }
  corpus=$corpus_root/$t
  mkdir -p "$corpus" "$build/artifacts"
  dict=()
  [ "$t" != admission ] && [ -s "$build/keys.dict" ] && dict=(-dict="$build/keys.dict")
  # One input may take 10 s at most; the admission target 60 s: an exact test that gives up
  # after WORK_MAX steps, inside a bisection over 2^53 microseconds, takes seconds on task sets
  # with periods near 2^63 ns (see tests/fuzz/README.md), which is slow but not wrong.
  timeout=10
  [ "$t" = admission ] && timeout=60
  log=$build/fuzz-$t.log
  rc=0
  # Leaks count (detect_leaks).
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$bin" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$t-" "${dict[@]}" \
    "$corpus" "$seeds/$t" >"$log" 2>&1 || rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{s += $2} END {print s + 0}')
  speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | awk '{s += $2} END {print s + 0}')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  if [ "$rc" -ne 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log"; then
    echo "FAIL fuzz_$t: exit $rc after $execs runs; log $log"
    grep -E 'ERROR|runtime error|SUMMARY|Test unit written|^#[0-9]+ +0x' "$log" | head -30
    fail=1
  else
    echo "ok   fuzz_$t: ${seconds}s, $execs runs, $speed runs/s, coverage ${cov:-?}," \
      "corpus $(ls "$corpus" | wc -l) inputs"
  fi
done
exit $fail
