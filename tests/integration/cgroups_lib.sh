# Sourced by t_cgroups_*.sh after lib.sh: the host's cgroup layout, where a container's cgroup
# files are, bundles with resources, and a check that no cgroup is left behind. The scripts
# are layout-agnostic: the same checks run on v1, hybrid and pure v2 hosts (the VM lane).
#   cgt_init NAME                 lib_init with this helper's --root and cgroup prefix
#   mkbundle DIR ARGS_JSON RES_JSON [JQ]   bundle running ARGS with linux.resources = RES
#   cg_dir CTRL PATH / cg_read CTRL PATH FILE / has_ctrl CTRL / cg_all_dirs PATH
#   expect_eq WHAT GOT WANT / expect_match WHAT TEXT REGEX / finish
. "${RTRUN_SRC:?}/tests/integration/lib.sh"

cgt_init() {
	lib_init "$1"
	ROOT=/run/rtrun-test-cgroups/$1-$$
	mkdir -p /run/rtrun-test-cgroups
	CG_PREFIX=/rtrun-test-cgroups/$1-$$
	trap cgt_cleanup EXIT
	if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
		CG_LAYOUT=v2
	elif [ -d /sys/fs/cgroup/unified ] && [ "$(stat -fc %T /sys/fs/cgroup/unified)" = cgroup2fs ]; then
		CG_LAYOUT=hybrid
	else
		CG_LAYOUT=v1
	fi
	echo "# cgroup layout: $CG_LAYOUT"
}

cgt_cleanup() {
	lib_cleanup
	local d
	for d in $(cg_all_dirs "$CG_PREFIX"); do
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	for d in $(cg_all_dirs /rtrun-test-cgroups); do
		rmdir "$d" 2>/dev/null
	done
	rmdir /run/rtrun-test-cgroups 2>/dev/null
	return 0
}

ok() { pass "$1"; }
# Inside a named case (lib_run_cases) only that case is skipped.
skip() {
	[ -z "${CASE:-}" ] || skip_case "$*"
	echo "SKIP: $*"
	exit 77
}
expect_eq() { check "$1" "$3" "$2"; }
expect_match() {
	if [[ $2 =~ $3 ]]; then
		pass "$1"
	else
		fail "$1"
		echo "       expected to match: $3"
		echo "       got:               $(printf '%q' "$2")"
	fi
}

# The directory of controller CTRL for the container cgroup at absolute PATH. On a hybrid host,
# controllers the v1 hierarchies lack (hugetlb here) live in the unified mount.
cg_dir() {
	local ctrl=$1 path=$2
	if [ "$CG_LAYOUT" = v2 ]; then
		echo "/sys/fs/cgroup$path"
	elif [ -d "/sys/fs/cgroup/$ctrl" ]; then
		echo "/sys/fs/cgroup/$ctrl$path"
	elif [ "$CG_LAYOUT" = hybrid ] && grep -qw "$ctrl" /sys/fs/cgroup/unified/cgroup.controllers; then
		echo "/sys/fs/cgroup/unified$path"
	else
		echo "/nonexistent/$ctrl"
	fi
}
cg_read() { cat "$(cg_dir "$1" "$2")/$3"; }
has_ctrl() { [ -d "$(cg_dir "$1" /)" ]; }

# Every directory of a cgroup path, on every mount (v2 root, each v1 hierarchy, unified).
cg_all_dirs() {
	local path=$1 m
	for m in /sys/fs/cgroup /sys/fs/cgroup/*/; do
		[ -d "${m%/}$path" ] && echo "${m%/}$path"
	done
	return 0
}

# mkbundle DIR ARGS_JSON RESOURCES_JSON [JQ]: a busybox bundle (scripts/mkbundle.sh) with a
# writable root whose process runs ARGS, with linux.resources = RESOURCES, then JQ applied.
mkbundle() {
	local dir=$1 args=$2 res=$3 extra=${4:-.}
	make_bundle "$dir"
	bundle_set "$dir" ".process.args = $args | .linux.resources = $res | .root.readonly = false | del(.process.capabilities.ambient) | $extra"
}

# start ID DIR: create and start, detached.
start() {
	rt create --bundle "$2" "$1" </dev/null && rt start "$1"
}

# After `delete --force` of every container, no cgroup of the test may be left. Scripts written
# as named cases get the check after each case (lib_case_leftovers); the others call finish.
lib_case_leftovers() {
	local left
	left=$(for d in $(cg_all_dirs "$CG_PREFIX"); do find "$d" -mindepth 1 -type d; done)
	expect_eq "cgroups left behind${CASE:+ by case $CASE}" "$left" ""
}

# finish: deletes the containers, fails if a cgroup of the test is left, exits with the result.
finish() {
	lib_delete_containers
	lib_case_leftovers
	lib_done
	exit
}

# PREEMPT_RT kernels have no v1 memory soft limit: rtrun warns and skips memory.reservation.
NO_SOFT_LIMIT=0
uname -v | grep -q PREEMPT_RT && NO_SOFT_LIMIT=1
