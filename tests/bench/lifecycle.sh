#!/bin/bash
# create + start + wait + delete of a busybox `true` container: rtrun against runc on the same
# bundle, alternating one round each, N rounds (default 50). Prints the medians, the ratio and the
# peak memory of each runtime's create command, and writes them to build/bench/lifecycle.json.
# Needs root, runc and a built tree.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${RTRUN_BUILD:-$src/build}
rtrun=${RTRUN:-$build/runtime/rtrun}
n=${N:-50}
runc=${RUNC:-$(command -v runc || true)}
driver=$build/tests/helpers/lcbench
for f in "$rtrun" "$runc" "$driver"; do
  if ! [ -x "$f" ]; then
    echo "lifecycle bench: missing ${f:-runc} (build the tree; apt-get install runc)" >&2
    exit 77
  fi
done
tmp=$(mktemp -d /tmp/rtrun-bench.XXXXXX)
root=/run/rtrun-bench-$$
cleanup() {
  for r in 0 1; do
    rm -rf "${root:?}/$r" 2>/dev/null || true
  done
  rmdir "$root" 2>/dev/null || true
  for d in /sys/fs/cgroup/*/rtrun-bench; do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
bundle=$tmp/bundle
RTRUN=$rtrun "$src/scripts/mkbundle.sh" "$bundle" true
jq '.linux.cgroupsPath = "/rtrun-bench/lifecycle"' "$bundle/config.json" >"$tmp/c.json"
mv "$tmp/c.json" "$bundle/config.json"

"$driver" 3 "$bundle" "$root" "$rtrun" "$runc" >/dev/null # warm-up: page cache, dentries
"$driver" "$n" "$bundle" "$root" "$rtrun" "$runc" >"$tmp/times"

median_ms() {
  awk -v k="$1" '$1 == k {print $2}' "$tmp/times" | sort -n |
    awk '{v[NR] = $1} END {m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f", m / 1e6}'
}
rt_ms=$(median_ms 0)
runc_ms=$(median_ms 1)
# Peak resident memory of the create command (KiB, column 7), median over the rounds.
median_rss() {
  awk -v k="$1" '$1 == k {print $7}' "$tmp/times" | sort -n |
    awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
rt_rss=$(median_rss 0)
runc_rss=$(median_rss 1)
ratio=$(awk -v a="$rt_ms" -v b="$runc_ms" 'BEGIN {printf "%.3f", a / b}')
mkdir -p "$build/bench"
cat >"$build/bench/lifecycle.json" <<JSON
{
  "benchmark": "create+start+wait+delete, busybox true",
  "rounds": $n,
  "rtrun_median_ms": $rt_ms,
  "runc_median_ms": $runc_ms,
  "ratio": $ratio,
  "target_ratio": 0.25,
  "create_peak_rss_kib": {"rtrun": $rt_rss, "runc": $runc_rss},
  "runc_version": "$("$runc" --version | head -1)",
  "kernel": "$(uname -r)",
  "cpus": $(nproc),
  "loadavg_1m": $(cut -d' ' -f1 /proc/loadavg)
}
JSON
echo "rtrun median ${rt_ms} ms, runc median ${runc_ms} ms, ratio ${ratio} (target <= 0.25)"
echo "peak memory of create: rtrun ${rt_rss} KiB, runc ${runc_rss} KiB"
echo "written: $build/bench/lifecycle.json"
