# Sourced by t_cgroups_*.sh: the host's cgroup layout, where a container's cgroup files are,
# bundles with resources, and cleanup that leaves no container, state dir or cgroup behind.
# The scripts are layout-agnostic: the same checks run on v1, hybrid and pure v2 hosts.

: "${RTRUN:?RTRUN must name the rtrun binary}"
CGT_NAME=${CGT_NAME:-cgroups}
CGT_ROOT=/run/rtrun-test-$CGT_NAME-$$
CGT_CGROOT=/rtrun-test-$CGT_NAME-$$ # every container cgroup lives below this path
CGT_IDS=()
CGT_FAILS=0

rt() { "$RTRUN" --root "$CGT_ROOT" "$@"; }

fail() {
	echo "FAIL: $*" >&2
	CGT_FAILS=$((CGT_FAILS + 1))
}
ok() { echo "ok: $*"; }
skip() {
	echo "SKIP: $*"
	exit 77
}
# expect_eq WHAT GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1 = $3"; else fail "$1: expected '$3', got '$2'"; fi
}
# expect_match WHAT TEXT REGEX
expect_match() {
	if [[ $2 =~ $3 ]]; then ok "$1 matches /$3/"; else fail "$1: '$2' does not match /$3/"; fi
}

[ "$(id -u)" = 0 ] || skip "needs root"
command -v jq >/dev/null || skip "needs jq"
BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] && ! ldd "$BUSYBOX" >/dev/null 2>&1 || skip "needs a static busybox (busybox-static)"
CGT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/rtrun-test-$CGT_NAME.XXXXXX")

if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
	CG_LAYOUT=v2
elif [ -d /sys/fs/cgroup/unified ] && [ "$(stat -fc %T /sys/fs/cgroup/unified)" = cgroup2fs ]; then
	CG_LAYOUT=hybrid
else
	CG_LAYOUT=v1
fi
echo "cgroup layout: $CG_LAYOUT"

# The directory of controller CTRL for the container cgroup at absolute path CGPATH. On a
# hybrid host, controllers the v1 hierarchies lack (hugetlb here) live in the unified mount.
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

# Every cgroup directory of a path, on every mount (to prove nothing is left behind).
cg_all_dirs() {
	local path=$1 m
	for m in /sys/fs/cgroup /sys/fs/cgroup/*/; do
		[ -d "${m%/}$path" ] && echo "${m%/}$path"
	done
	return 0
}

# mkbundle DIR ARGS_JSON RESOURCES_JSON [EXTRA_JQ]: a busybox bundle whose process runs ARGS,
# with linux.resources replaced by RESOURCES and linux.cgroupsPath below CGT_CGROOT.
mkbundle() {
	local dir=$1 args=$2 res=$3 extra=${4:-.}
	mkdir -p "$dir/rootfs/bin" "$dir/rootfs/tmp"
	cp "$BUSYBOX" "$dir/rootfs/bin/busybox"
	"$dir/rootfs/bin/busybox" --install -s "$dir/rootfs/bin" 2>/dev/null ||
		for a in sh sleep cat echo head dd grep true false; do ln -sf busybox "$dir/rootfs/bin/$a"; done
	(cd "$dir" && rt spec) || {
		fail "rtrun spec"
		return 1
	}
	local name=${dir##*/}
	jq --argjson a "$args" --argjson r "$res" --arg cg "$CGT_CGROOT/$name" \
		'.process.terminal = false | .process.args = $a | .linux.resources = $r |
		 .linux.cgroupsPath = $cg | .root.readonly = false | '"$extra" \
		"$dir/config.json" >"$dir/config.json.new" && mv "$dir/config.json.new" "$dir/config.json"
}

# start ID DIR: create + start detached, remembered for cleanup.
start() {
	CGT_IDS+=("$1")
	rt create --bundle "$2" "$1" </dev/null && rt start "$1"
}

status_of() { rt state "$1" 2>/dev/null | jq -r .status; }

# wait_for SECONDS CMD...: polls CMD every 0.1 s (no timing assertion: the bound only ends a
# hung test).
wait_for() {
	local n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

cleanup() {
	local id
	for id in "${CGT_IDS[@]}"; do
		rt delete --force "$id" >/dev/null 2>&1
	done
	local d
	for d in $(cg_all_dirs "$CGT_CGROOT"); do
		rmdir "$d" 2>/dev/null
	done
	rm -rf "$CGT_TMP" "$CGT_ROOT"
}
trap cleanup EXIT

# A binary built before the container lifecycle exists cannot run these tests.
(cd "$CGT_TMP" && "$RTRUN" spec >/dev/null 2>&1 && [ -s config.json ] && rm -f config.json) ||
	skip "rtrun spec does not work in this build: no container can be made"

# finish: the test's exit status; also checks that no cgroup of the test is left.
finish() {
	local id
	for id in "${CGT_IDS[@]}"; do
		rt delete --force "$id" >/dev/null 2>&1
	done
	local left
	left=$(for d in $(cg_all_dirs "$CGT_CGROOT"); do find "$d" -mindepth 1 -type d; done)
	[ -z "$left" ] || fail "cgroups left behind: $left"
	CGT_IDS=()
	if [ "$CGT_FAILS" -gt 0 ]; then
		echo "$CGT_FAILS check(s) failed"
		exit 1
	fi
	echo "all checks passed"
	exit 0
}
