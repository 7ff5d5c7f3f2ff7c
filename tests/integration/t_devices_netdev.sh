#!/bin/bash
# linux.netDevices: one end of a veth pair moves into the container renamed eth5 (with its
# address), is visible there and not on the host, and comes back under its name at delete;
# a device that does not exist fails create, naming it, with nothing left behind.
# Named cases (devices_common.sh): bash t_devices_netdev.sh --list; bash t_devices_netdev.sh NAME...
. "$(dirname "$0")/devices_common.sh"
command -v ip >/dev/null || skip "iproute2 is not installed"
A=devicesa
P=devicesb
cleanup() {
	ip link del "$A" 2>/dev/null || true
	ip link del "$P" 2>/dev/null || true
	cleanup_common
}
trap cleanup EXIT

ID=devices-net
# A fresh veth pair (the host end addressed) and bundle for each case.
case_setup() {
	ip link del "$A" 2>/dev/null || true
	ip link del "$P" 2>/dev/null || true
	ip link add "$A" type veth peer name "$P" || skip "cannot create a veth pair"
	ip addr add 10.213.7.1/24 dev "$A"
	ip link set "$A" up
	B=$T/bundle
	make_bundle "$B"
}

case_moves_in_and_back() {
	cat >"$B/rootfs/check.sh" <<'SH'
ip -o link > /tmp/links
ip -o -4 addr > /tmp/addrs
cat /tmp/links /tmp/addrs
echo ready
sleep 600
SH
	write_config "$B" "$ID" '["sh", "/check.sh"]' '{}' ",
    \"netDevices\": {\"$A\": {\"name\": \"eth5\"}}"
	rt create --bundle "$B" "$ID" >"$T/out" 2>"$T/err" || fail "create: $(cat "$T/err")"
	ip link show "$A" >/dev/null 2>&1 && fail "$A is still on the host after create"
	rt start "$ID" || fail "start"
	for _ in $(seq 100); do grep -q ready "$T/out" && break; sleep 0.1; done
	cat "$T/out"
	grep -q ': eth5[:@]' "$T/out" || fail "eth5 is not visible inside"
	grep -q ": $A[:@]" "$T/out" && fail "the host name $A is visible inside"
	grep -q 'eth5 *inet 10.213.7.1/24' "$T/out" || fail "the address did not move with the device"
	ip link show "$A" >/dev/null 2>&1 && fail "$A is on the host while the container runs"
	ip link show "$P" >/dev/null || fail "the peer $P vanished"

	rt delete --force "$ID" || fail "delete"
	ip link show "$A" >/dev/null 2>&1 || fail "$A did not come back to the host"
	ip -o -4 addr show dev "$A" | grep -q '10.213.7.1/24' || fail "$A came back without its address"
	ip link show "$P" >/dev/null || fail "the peer $P vanished"
	echo "ok: $A back on the host: $(ip -o link show "$A" | cut -d' ' -f2-3)"
}

# The container exits by itself before delete: the pinned namespace still gives the veth back.
case_back_after_exit() {
	write_config "$B" "$ID" '["true"]' '{}' ",
    \"netDevices\": {\"$A\": {}}"
	rt create --bundle "$B" "$ID" >"$T/out" 2>"$T/err" || fail "create 2: $(cat "$T/err")"
	rt start "$ID" || fail "start 2"
	wait_stopped "$ID" || fail "container 2 did not stop"
	rt delete "$ID" || fail "delete 2"
	ip link show "$A" >/dev/null 2>&1 || fail "$A lost when the container exited before delete"
	echo "ok: $A back after the container exited on its own"
}

# A device that does not exist: create fails naming it, and leaves nothing.
case_missing_device_refused() {
	write_config "$B" "$ID" '["true"]' '{}' ",
    \"netDevices\": {\"devicesnone\": {\"name\": \"eth1\"}}"
	rt create --bundle "$B" "$ID" >"$T/out" 2>"$T/err" && fail "create with a missing device succeeded"
	grep -q devicesnone "$T/err" || fail "error does not name the device: $(cat "$T/err")"
	[ ! -e "$ROOT/$ID" ] || fail "state directory left behind"
	echo "ok: $(cat "$T/err")"
}

run_cases "$@"
