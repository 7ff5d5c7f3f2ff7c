#!/bin/bash
# Every linux.resources field the host supports is written where the layout (v1, hybrid, v2)
# keeps it, with runc's v1 -> v2 conversions, and read back from the cgroup files; the
# container's cgroups are gone after delete.
set -uo pipefail
. "${RTRUN_SRC:?}/tests/integration/cgroups_lib.sh"
cgt_init res

b=$TMP/res
blkdev=$(cat /sys/block/vda/dev 2>/dev/null || cat "$(ls -d /sys/block/*/dev | grep -v -e loop -e zram | head -n1)" 2>/dev/null || true)
cpu=$(($(nproc) - 1))

res=$(jq -n --arg cpus "$cpu" '{
  devices: [{allow: false, access: "rwm"}],
  memory: {limit: 67108864, reservation: 33554432},
  cpu: {shares: 512, quota: 50000, period: 100000, cpus: $cpus, mems: "0"},
  pids: {limit: 42}
}')
# Optional parts, where the host has the files.
swap=0
if [ -e "$(cg_dir memory /)/memory.memsw.limit_in_bytes" ] || [ "$CG_LAYOUT" = v2 ]; then
	swap=1
	res=$(jq '.memory.swap = 134217728' <<<"$res")
fi
if [ "$CG_LAYOUT" != v2 ]; then
	res=$(jq '.memory += {swappiness: 30, disableOOMKiller: true, useHierarchy: true}' <<<"$res")
fi
if [ "$CG_LAYOUT" = v2 ] || [ -e "$(cg_dir cpu /)/cpu.cfs_burst_us" ]; then
	res=$(jq '.cpu.burst = 10000' <<<"$res")
fi
if [ -n "$blkdev" ] && has_ctrl blkio; then
	res=$(jq --argjson ma "${blkdev%:*}" --argjson mi "${blkdev#*:}" \
		'.blockIO.throttleReadBpsDevice = [{major: $ma, minor: $mi, rate: 1048576}] |
		 .blockIO.throttleWriteIOPSDevice = [{major: $ma, minor: $mi, rate: 300}]' <<<"$res")
fi
hp=0
if has_ctrl hugetlb && [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ]; then
	hp=1
	res=$(jq '.hugepageLimits = [{pageSize: "2MB", limit: 4194304}]' <<<"$res")
fi
# RT group scheduling (v1 with CONFIG_RT_GROUP_SCHED): a new group has no runtime, so give the
# test's parent some before the container asks for part of it.
rt_ok=0
if [ "$CG_LAYOUT" != v2 ] && [ -e "$(cg_dir cpu /)/cpu.rt_runtime_us" ]; then
	mkdir -p "$(cg_dir cpu "$CG_PREFIX")"
	if echo 100000 >"$(cg_dir cpu "${CG_PREFIX%/*}")/cpu.rt_runtime_us" &&
		echo 100000 >"$(cg_dir cpu "$CG_PREFIX")/cpu.rt_runtime_us"; then
		rt_ok=1
		res=$(jq '.cpu.realtimePeriod = 500000 | .cpu.realtimeRuntime = 20000' <<<"$res")
	fi
fi

mkbundle "$b" '["sleep","1000"]' "$res" || finish
start cgroups-res "$b" || {
	fail "container did not start with resources $res"
	finish
}
p=$CG_PREFIX/res

if [ "$CG_LAYOUT" = v2 ]; then
	expect_eq memory.max "$(cg_read memory "$p" memory.max)" 67108864
	expect_eq memory.low "$(cg_read memory "$p" memory.low)" 33554432
	[ $swap = 0 ] || [ ! -e "$(cg_dir memory "$p")/memory.swap.max" ] ||
		expect_eq "memory.swap.max (swap - limit)" "$(cg_read memory "$p" memory.swap.max)" $((134217728 - 67108864))
	expect_eq "cpu.weight (from shares 512)" "$(cg_read cpu "$p" cpu.weight)" $((1 + (512 - 2) * 9999 / 262142))
	expect_eq cpu.max "$(cg_read cpu "$p" cpu.max)" "50000 100000"
	expect_eq cpu.max.burst "$(cg_read cpu "$p" cpu.max.burst)" 10000
	expect_eq pids.max "$(cg_read pids "$p" pids.max)" 42
	if [ -n "$blkdev" ]; then
		expect_match io.max "$(cg_read blkio "$p" io.max)" "^$blkdev rbps=1048576 wbps=max riops=max wiops=300"
	fi
	[ $hp = 0 ] || expect_eq hugetlb.2MB.max "$(cg_read hugetlb "$p" hugetlb.2MB.max)" 4194304
	# the device filter is an eBPF program attached to the container's cgroup
	if command -v bpftool >/dev/null; then
		expect_match "bpftool cgroup show" "$(bpftool cgroup show "$(cg_dir devices "$p")")" "cgroup_device|device"
	fi
else
	expect_eq memory.limit_in_bytes "$(cg_read memory "$p" memory.limit_in_bytes)" 67108864
	[ $NO_SOFT_LIMIT = 1 ] ||
		expect_eq memory.soft_limit_in_bytes "$(cg_read memory "$p" memory.soft_limit_in_bytes)" 33554432
	[ $swap = 0 ] || expect_eq memory.memsw.limit_in_bytes "$(cg_read memory "$p" memory.memsw.limit_in_bytes)" 134217728
	expect_eq memory.swappiness "$(cg_read memory "$p" memory.swappiness)" 30
	expect_match memory.oom_control "$(cg_read memory "$p" memory.oom_control)" "oom_kill_disable 1"
	expect_eq memory.use_hierarchy "$(cg_read memory "$p" memory.use_hierarchy)" 1
	expect_eq cpu.shares "$(cg_read cpu "$p" cpu.shares)" 512
	expect_eq cpu.cfs_quota_us "$(cg_read cpu "$p" cpu.cfs_quota_us)" 50000
	expect_eq cpu.cfs_period_us "$(cg_read cpu "$p" cpu.cfs_period_us)" 100000
	[ ! -e "$(cg_dir cpu "$p")/cpu.cfs_burst_us" ] ||
		expect_eq cpu.cfs_burst_us "$(cg_read cpu "$p" cpu.cfs_burst_us)" 10000
	if [ $rt_ok = 1 ]; then
		expect_eq cpu.rt_period_us "$(cg_read cpu "$p" cpu.rt_period_us)" 500000
		expect_eq cpu.rt_runtime_us "$(cg_read cpu "$p" cpu.rt_runtime_us)" 20000
	fi
	expect_eq pids.max "$(cg_read pids "$p" pids.max)" 42
	if [ -n "$blkdev" ]; then
		expect_eq blkio.throttle.read_bps_device "$(cg_read blkio "$p" blkio.throttle.read_bps_device)" "$blkdev 1048576"
		expect_eq blkio.throttle.write_iops_device "$(cg_read blkio "$p" blkio.throttle.write_iops_device)" "$blkdev 300"
	fi
	[ $hp = 0 ] || {
		f=hugetlb.2MB.max
		[ -e "$(cg_dir hugetlb "$p")/$f" ] || f=hugetlb.2MB.limit_in_bytes
		expect_eq "$f" "$(cg_read hugetlb "$p" $f)" 4194304
	}
	# deny all, then runc's default devices: no rule grants everything
	list=$(cg_read devices "$p" devices.list)
	expect_match "devices.list has /dev/null" "$list" "c 1:3 rwm"
	expect_match "devices.list has the pts" "$list" "c 136:\* rwm"
	if grep -q '^a ' <<<"$list"; then fail "devices.list still allows all: $list"; else ok "devices.list denies by default"; fi
fi
expect_eq cpuset.cpus "$(cg_read cpuset "$p" cpuset.cpus)" "$cpu"
expect_eq cpuset.mems "$(cg_read cpuset "$p" cpuset.mems)" 0

# The container's processes are in every directory of its cgroup.
pid=$(rt state cgroups-res | jq -r .pid)
for c in memory cpu pids cpuset; do
	grep -qx "$pid" "$(cg_dir $c "$p")/cgroup.procs" && ok "init in the $c cgroup" ||
		fail "init $pid not in $(cg_dir $c "$p")/cgroup.procs"
done

rt delete --force cgroups-res || fail "delete --force"
left=$(cg_all_dirs "$p")
expect_eq "cgroup dirs after delete" "$left" ""
finish
