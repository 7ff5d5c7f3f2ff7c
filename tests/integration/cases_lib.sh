# Named cases for the scripts written with `set -e` and a fail() that exits (devices_common.sh,
# t_lane_rtprobe.sh, t_diff_runc.sh); lib.sh's lib_run_cases is the same for scripts that
# count their checks. A script defines functions case_NAME (in the order they run), optionally
# case_setup / case_teardown around each, and ends with `run_cases "$@"`. Each case runs in a
# subshell of its own with `set -e`: its first failure ends it, and the next case still runs.
# With CASES_DIR set, $T is a fresh directory under it for each case; a library may define
# case_after, run after each case's teardown (devices_common.sh removes containers there).
# With CASES_NO_ERREXIT=1 a case runs without `set -e` and fails by its exit status (scripts
# that count their failures end each case with that count's verdict).
#   bash t_devices_cdi.sh --list          the cases, one a line
#   bash t_devices_cdi.sh NAME...         only those (also RTRUN_CASE=NAME,NAME, which ctest
#                                         passes through)
# Exit: 1 when a case failed, 77 when every case skipped, else 0.
run_cases() {
	local all want c n=0 failed=0 skipped=0 rc
	all=$(grep -oE '^case_[A-Za-z0-9_]+ *\(\)' "$0" | sed -E 's/^case_//; s/ *\(\)$//' |
		grep -vxE 'setup|teardown|after' || true)
	if [ "${1:-}" = --list ]; then
		echo "$all"
		exit 0
	fi
	want=${*:-${RTRUN_CASE:-}}
	want=${want//,/ }
	for c in $want; do
		grep -qx -- "$c" <<<"$all" ||
			{ echo "FATAL: no case '$c' in $(basename "$0"); its cases: $(echo $all)"; exit 2; }
	done
	[ -n "$want" ] || want=$all
	for c in $want; do
		n=$((n + 1))
		echo "# case $c"
		if [ -n "${CASES_DIR:-}" ]; then
			T=$CASES_DIR/case-$c
			mkdir -p "$T"
		fi
		set +e
		(
			[ -n "${CASES_NO_ERREXIT:-}" ] || set -e
			if declare -F case_setup >/dev/null; then case_setup; fi
			"case_$c"
		)
		rc=$?
		case $rc in
		0) ;;
		77) skipped=$((skipped + 1)) ;;
		*)
			failed=$((failed + 1))
			echo "FAIL: case $c (exit $rc)"
			;;
		esac
		if declare -F case_teardown >/dev/null; then case_teardown; fi
		if declare -F case_after >/dev/null; then case_after; fi
		[ -z "${CASES_DIR:-}" ] || rm -rf "$T"
		set -e
	done
	[ -z "${CASES_DIR:-}" ] || T=$CASES_DIR
	echo "# $(basename "$0" .sh): $n case(s) run, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ] || exit 1
	[ "$skipped" -lt "$n" ] || exit 77
	exit 0
}
