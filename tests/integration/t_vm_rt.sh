#!/bin/bash
# The VM lane's second boot: a 4-CPU guest on the PREEMPT_RT kernel (linux-image-rt-amd64) with
# the v1 cgroup layout runs every test tests/vm/rt.list names. A separate ctest entry from
# t_vm_lane.sh because ctest gives each integration test at most 600 s.
set -euo pipefail
. "${RTRUN_SRC:?}/tests/vm/lane-host.sh"
lane_require rt
lane_boot rt.list rt v1
