#!/bin/bash
# Runs, inside a lane VM, the integration tests a list file names (one name or shell glob per
# line, relative to tests/integration; '#' starts a comment), one after the other, each under a
# timeout. Prints one line per test (PASS, FAIL, SKIP) and, for a failure, the end of its output.
# Exit status: 0 when nothing failed, 1 otherwise.
# usage: run-list.sh -r RTRUN -s SRC -b BUILD [-t PER_TEST_SEC] [-T TOTAL_SEC] LIST...
set -uo pipefail
per_test=300 total=0
while getopts "r:s:b:t:T:" opt; do
	case $opt in
	r) export RTRUN=$OPTARG ;;
	s) export RTRUN_SRC=$OPTARG ;;
	b) export RTRUN_BUILD=$OPTARG ;;
	t) per_test=$OPTARG ;;
	T) total=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
: "${RTRUN:?-r RTRUN is required}" "${RTRUN_SRC:?-s SRC is required}" "${RTRUN_BUILD:?-b BUILD is required}"
dir=$RTRUN_SRC/tests/integration

# Expand every list into test scripts, in list order, each once; a lane test never nests.
declare -A seen=()
tests=()
for list in "$@"; do
	while read -r pattern _; do
		case $pattern in '' | '#'*) continue ;; esac
		for f in "$dir"/$pattern; do
			name=${f##*/}
			[ -f "$f" ] && [[ $name == t_*.sh && $name != t_vm_* ]] || continue
			[ -z "${seen[$name]:-}" ] || continue
			seen[$name]=1
			tests+=("$name")
		done
	done <"$list"
done

pass=0 fail=0 skip=0 start=$SECONDS
failed=()
out=$(mktemp)
for name in "${tests[@]}"; do
	if [ "$total" -gt 0 ] && [ $((SECONDS - start)) -ge "$total" ]; then
		echo "FAIL $name (not run: the lane's ${total} s budget is spent)"
		fail=$((fail + 1))
		failed+=("$name")
		continue
	fi
	t0=$SECONDS
	timeout -k 10 "$per_test" bash "$dir/$name" >"$out" 2>&1
	rc=$?
	secs=$((SECONDS - t0))
	case $rc in
	0) echo "PASS $name (${secs} s)"; pass=$((pass + 1)) ;;
	77) echo "SKIP $name: $(tail -n 1 "$out")"; skip=$((skip + 1)) ;;
	*)
		[ $rc = 124 ] && echo "FAIL $name (timed out after ${per_test} s)" || echo "FAIL $name (exit $rc, ${secs} s)"
		tail -n 60 "$out" | sed 's/^/    | /'
		fail=$((fail + 1))
		failed+=("$name")
		;;
	esac
done
rm -f "$out"
echo "lane $(uname -r) cgroup ${RTRUN_VM_CGROUP:-?} $(nproc) cpus: $pass passed, $fail failed, $skip skipped ($((SECONDS - start)) s)${failed:+; failed: ${failed[*]}}"
[ "$fail" = 0 ]
