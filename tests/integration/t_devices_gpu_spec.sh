#!/bin/bash
# `rtrun spec --gpu`: on a host without an NVIDIA GPU it says so, fails and writes nothing;
# with one, the config lists every /dev/nvidiaN node with its numbers.
# Named cases (devices_common.sh): bash t_devices_gpu_spec.sh --list; bash t_devices_gpu_spec.sh NAME...
. "$(dirname "$0")/devices_common.sh"
trap cleanup_common EXIT

case_spec_gpu() {
	mkdir "$T/b"
	if ls /dev/nvidia[0-9]* >/dev/null 2>&1; then
		rt spec --gpu -b "$T/b" || fail "spec --gpu on a GPU host"
		for n in /dev/nvidia[0-9]*; do
			grep -q "\"$n\"" "$T/b/config.json" || fail "$n missing from the config"
		done
		echo "ok: GPU host: $(grep -c '"path": "/dev/nvidia' "$T/b/config.json") nodes in config"
else
	if rt spec --gpu -b "$T/b" 2>"$T/err"; then
		fail "spec --gpu succeeded without a GPU"
	fi
	grep -q "no NVIDIA GPU" "$T/err" || fail "error does not say why: $(cat "$T/err")"
	[ ! -e "$T/b/config.json" ] || fail "config.json written although there is no GPU"
	echo "ok: $(cat "$T/err")"
fi
rt spec -b "$T/b" || fail "plain spec"
}

run_cases "$@"
