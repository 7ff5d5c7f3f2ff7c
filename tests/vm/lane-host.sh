#!/bin/bash
# Host side of the lane's ctest entries (sourced by tests/integration/t_vm_*.sh): checks what a
# boot needs (exit 77 naming what is missing), then boots one VM that runs a list of
# integration tests with the already-built binaries, shared at the same paths.
# usage (after sourcing): lane_boot LIST KERNEL LAYOUT [vm-lane.sh options...]
lane_require() { # KERNEL: default | rt
	local missing=() pattern
	command -v qemu-system-x86_64 >/dev/null || missing+=("qemu-system-x86_64 (qemu-system-x86)")
	command -v busybox >/dev/null && ! ldd "$(command -v busybox)" >/dev/null 2>&1 ||
		missing+=("static busybox (busybox-static)")
	command -v cpio >/dev/null || missing+=("cpio")
	if [ "$1" = rt ]; then pattern='/boot/vmlinuz-*-rt-amd64'; else pattern='/boot/vmlinuz-*-amd64'; fi
	# shellcheck disable=SC2086
	ls $pattern >/dev/null 2>&1 || missing+=("a $1 kernel $pattern (linux-image-$([ "$1" = rt ] && echo rt-)amd64)")
	[ -x "${RTRUN:-}" ] || missing+=("the built rtrun (RTRUN=${RTRUN:-unset})")
	if [ ${#missing[@]} -gt 0 ]; then
		echo "VM lane skipped, missing: ${missing[*]}"
		exit 77
	fi
}

lane_boot() { # LIST KERNEL LAYOUT [vm-lane.sh options]
	local list=$1 kernel=$2 layout=$3
	shift 3
	local src=${RTRUN_SRC:?} build=${RTRUN_BUILD:?}
	local shares=(-s "$src")
	[[ $build == "$src"/* ]] || shares+=(-s "$build")
	# ctest allows 600 s per test: the guest starts no test after 300 s, each test gets at most
	# 240 s, and the command is killed at 540 s, which leaves time for boot and power-off.
	# A boot whose ctest entry has a longer TIMEOUT sets LANE_CMD_S, LANE_TEST_S, LANE_START_S.
	(cd "$src" && "$src/tests/vm/vm-lane.sh" -c 4 -k "$kernel" -g "$layout" -t "${LANE_CMD_S:-540}" "${shares[@]}" "$@" -- \
		"$src/tests/vm/run-list.sh" -r "$RTRUN" -s "$src" -b "$build" -t "${LANE_TEST_S:-240}" \
		-T "${LANE_START_S:-300}" "$src/tests/vm/$list")
}
