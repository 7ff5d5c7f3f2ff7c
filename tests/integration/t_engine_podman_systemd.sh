#!/bin/bash
# The Podman engine matrix (t_engine_podman.sh: every scenario run with rtrun and with runc, the
# reference, failing where they differ; then rtrun's reservations and the docs' commands) at
# Podman's default cgroup manager, systemd, with systemd as PID 1: Podman passes
# --systemd-cgroup and cgroupsPath "SLICE:libpod:ID", rtrun makes each container a scope.
# Runs in the VM lane (tests/vm/podman-systemd.list: t_vm_systemd_podman.sh on pure v2,
# t_vm_systemd_podman_v1.sh on systemd's hybrid v1); skips elsewhere.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/systemd_lib.sh"
sd_require
ENGINE_CGROUP_MANAGER=systemd exec bash "$HERE/t_engine_podman.sh"
