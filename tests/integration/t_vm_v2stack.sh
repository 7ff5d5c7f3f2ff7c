#!/bin/bash
# The VM lane, pure cgroup v2: the driving stack of bundles/ (control, planning, perception)
# admitted and running SCHED_DEADLINE on one CPU, sharing one partition; a fourth refused; no
# partition or cgroup left after delete (tests/vm/v2-stack.list).
set -euo pipefail
. "${RTRUN_SRC:?}/tests/vm/lane-host.sh"
lane_require default
lane_boot v2-stack.list default v2
