#!/bin/bash
# Online admission of many elastic containers: a taskset file of N (default 1000) elastic
# SCHED_DEADLINE containers spread over 4 CPUs of a described host (no ledger, no root), in
# arrival order, each asking for more than fits so that every arrival compresses the ones
# before it, criticalities mixed. Times `rtrun admission check --taskset FILE` R times (default
# 5) and prints the median and max wall time and how many were admitted. Target: well under 1 s
# at 1000. Usage: tests/bench/admission-online.sh [-n N] [-r R]
set -euo pipefail
n=1000
rounds=5
while getopts n:r: o; do
	case $o in
	n) n=$OPTARG ;;
	r) rounds=$OPTARG ;;
	*) exit 1 ;;
	esac
done
src=$(cd "$(dirname "$0")/../.." && pwd)
rtrun=${RTRUN:-$src/build/runtime/rtrun}
[ -x "$rtrun" ] || { echo "admission-online: build rtrun first ($rtrun)"; exit 1; }
tmp=$(mktemp -d /tmp/rtrun-bench-online.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
python3 - "$n" >"$tmp/taskset.json" <<'PY'
import json, sys
n = int(sys.argv[1])
periods = [10_000_000, 20_000_000, 40_000_000, 50_000_000]
crits = ["best-effort", "perception", "planning", "control"]
per_cpu = max(1, n // 4)
cs = []
for i in range(n):
    p = periods[i % 4]
    # requested: 1.5x the CPU's capacity in total; minimum: half of it
    cs.append({"id": "e%d" % i, "criticality": crits[(i // 4) % 4], "cpus": str(i % 4),
               "scheduler": {"policy": "SCHED_DEADLINE", "runtime": int(1.35 * p / per_cpu),
                             "deadline": p, "period": p},
               "elastic": {"min_runtime": int(0.45 * p / per_cpu), "weight": 1 + i % 3}})
print(json.dumps({"host": {"cpus": "0-3", "bandwidth": 0.95,
                           "fair_server": {"runtime": 50_000_000, "period": 1_000_000_000}},
                  "mode": "online", "containers": cs}))
PY
times=()
for _ in $(seq "$rounds"); do
	start=$(date +%s%N)
	"$rtrun" admission check --taskset "$tmp/taskset.json" --format json >"$tmp/out.json" || [ $? = 2 ]
	times+=($(( ($(date +%s%N) - start) / 1000 )))
done
admitted=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["containers"]; print(sum(x["admitted"] for x in c), "of", len(c))' "$tmp/out.json")
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "online admission of $n elastic containers on 4 CPUs: median $((sorted[rounds / 2] / 1000)) ms, max $((sorted[rounds - 1] / 1000)) ms over $rounds runs; admitted $admitted"
