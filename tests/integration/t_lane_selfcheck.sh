#!/bin/bash
# The VM lane's own proof (runs only inside a lane VM): the guest has the cgroup layout and CPU
# count the lane promised, a CPU set can become a root domain of its own (v2 partition / v1
# exclusive cpuset without load balancing above it) that admits a SCHED_DEADLINE task, FIFOs
# work in TMPDIR, the build dir is writable, and the host-built rtrun runs.
set -euo pipefail
if [ "${RTRUN_IN_VM:-}" != 1 ]; then
	echo "not inside the VM lane (RTRUN_IN_VM unset): run through t_vm_lane.sh"
	exit 77
fi
: "${RTRUN:?}" "${RTRUN_BUILD:?}"
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
cpulist() { # "0-2,5" -> one CPU per line
	local IFS=, r
	for r in $1; do seq "${r%-*}" "${r#*-}"; done
}
cg=/sys/fs/cgroup
cell=rtrun-test-lane-$$

# -- layout and CPUs --------------------------------------------------------------------------
[ "$(nproc)" = "${RTRUN_VM_CPUS:?}" ] || fail "nproc is $(nproc), the lane asked for $RTRUN_VM_CPUS"
[ "$(nproc)" -ge 2 ] || fail "need at least 2 CPUs for a partition, have $(nproc)"
last=$(($(nproc) - 1))
v1_mounts=$(awk '$3 == "cgroup"' /proc/mounts | wc -l)
v2_mounts=$(awk '$3 == "cgroup2"' /proc/mounts | wc -l)
case $RTRUN_VM_CGROUP in
v2)
	[ "$v1_mounts" = 0 ] || fail "pure v2 lane has $v1_mounts v1 hierarchies mounted"
	[ "$(stat -f -c %T $cg)" = cgroup2fs ] || fail "$cg is not cgroup2"
	for c in cpuset cpu memory pids io; do
		grep -qw "$c" $cg/cgroup.subtree_control || fail "$c missing from the root's subtree_control"
	done
	;;
v1)
	[ "$v2_mounts" = 0 ] || fail "v1 lane has a cgroup2 mount"
	for c in cpuset cpu memory pids devices freezer; do
		[ "$(stat -f -c %T $cg/$c)" = cgroupfs ] || fail "v1 $c hierarchy not mounted at $cg/$c"
	done
	;;
*) fail "RTRUN_VM_CGROUP is '$RTRUN_VM_CGROUP'" ;;
esac
echo "layout $RTRUN_VM_CGROUP, $(nproc) CPUs, kernel $(uname -r)"

# -- an isolated root domain on the last CPU admits SCHED_DEADLINE ----------------------------
# DEADLINE needs the task's affinity to cover its whole root domain; the default domain spans
# every CPU, so pinned to one CPU without a partition the kernel must refuse (EPERM).
if taskset -c "$last" chrt -d --sched-runtime 1000000 --sched-deadline 10000000 \
	--sched-period 10000000 0 true 2>/dev/null; then
	fail "DEADLINE pinned to CPU $last was accepted without a root domain: the check below proves nothing"
fi
restore=""
cleanup() {
	set +e
	if [ "$RTRUN_VM_CGROUP" = v2 ]; then
		[ -d $cg/$cell ] && { echo member >$cg/$cell/cpuset.cpus.partition; rmdir $cg/$cell; }
	else
		[ -d $cg/cpuset/$cell ] && rmdir $cg/cpuset/$cell
		[ -z "$restore" ] || echo "$restore" >$cg/cpuset/cpuset.sched_load_balance
	fi
}
trap cleanup EXIT
if [ "$RTRUN_VM_CGROUP" = v2 ]; then
	mkdir $cg/$cell
	echo "$last" >$cg/$cell/cpuset.cpus
	echo root >$cg/$cell/cpuset.cpus.partition
	state=$(cat $cg/$cell/cpuset.cpus.partition)
	[ "$state" = root ] || fail "partition of CPU $last reads '$state'"
	! cpulist "$(cat $cg/cpuset.cpus.effective)" | grep -qx "$last" ||
		fail "the root still holds CPU $last: $(cat $cg/cpuset.cpus.effective)"
	procs=$cg/$cell/cgroup.procs
else
	d=$cg/cpuset/$cell
	mkdir $d
	echo "$last" >$d/cpuset.cpus
	cat $cg/cpuset/cpuset.mems >$d/cpuset.mems
	echo 1 >$d/cpuset.cpu_exclusive
	restore=$(cat $cg/cpuset/cpuset.sched_load_balance)
	echo 0 >$cg/cpuset/cpuset.sched_load_balance
	procs=$d/cgroup.procs
fi
# A child shell joins the cell, then execs chrt, which execs sleep as a DEADLINE task pinned to
# CPU $last (a DEADLINE task cannot fork, so it is inspected from here).
sh -c "echo \$\$ >$procs && exec taskset -c $last chrt -d --sched-runtime 1000000 \
	--sched-deadline 10000000 --sched-period 10000000 0 sleep 5" 2>"$TMPDIR/chrt.$$" &
pid=$!
for _ in $(seq 100); do
	[ "$(cat /proc/$pid/comm 2>/dev/null)" != sleep ] || break
	sleep 0.1
done
out=$(chrt -p $pid 2>&1; taskset -pc $pid 2>&1)
kill $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
err=$(cat "$TMPDIR/chrt.$$")
rm -f "$TMPDIR/chrt.$$"
[ -z "$err" ] || fail "DEADLINE in the $RTRUN_VM_CGROUP root domain {$last} refused: $err"
grep -q SCHED_DEADLINE <<<"$out" || fail "policy not DEADLINE: $out"
grep -q "list: $last\$" <<<"$out" || fail "affinity not {$last}: $out"
echo "DEADLINE admitted in a root domain of CPU $last"

# -- tmpfs for FIFOs/sockets, writable build dir, the host-built rtrun runs ---------------------
tmp=$(mktemp -d)
mkfifo "$tmp/fifo" || fail "mkfifo in TMPDIR=$TMPDIR"
rm -rf "$tmp"
probe=$RTRUN_BUILD/.lane-write-$$
echo ok >"$probe" && [ "$(cat "$probe")" = ok ] || fail "build dir $RTRUN_BUILD not writable"
rm -f "$probe"
ver=$("$RTRUN" --version) || fail "$RTRUN --version failed"
grep -qi rtrun <<<"$ver" || fail "rtrun --version printed: $ver"
echo "rtrun --version: $(head -n 1 <<<"$ver")"
