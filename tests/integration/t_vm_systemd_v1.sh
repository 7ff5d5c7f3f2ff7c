#!/bin/bash
# The VM lane with systemd as PID 1 on its v1 (hybrid) layout: the same tests as
# t_vm_systemd.sh (tests/vm/systemd.list) with systemd.unified_cgroup_hierarchy=0.
set -euo pipefail
. "${RTRUN_SRC:?}/tests/vm/lane-host.sh"
lane_require default
[ -x /lib/systemd/systemd ] || { echo "VM lane skipped, missing: /lib/systemd/systemd (systemd)"; exit 77; }
lane_boot systemd.list default v1 -i systemd
