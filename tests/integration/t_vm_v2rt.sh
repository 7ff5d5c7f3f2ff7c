#!/bin/bash
# The VM lane, pure cgroup v2, real-time tests: one 4-CPU guest on the default Debian kernel
# runs every integration test tests/vm/v2-rt.list names (a boot of its own: with the cgroup
# tests in the same boot it came within a minute of ctest's 600 s limit).
set -euo pipefail
. "${RTRUN_SRC:?}/tests/vm/lane-host.sh"
lane_require default
lane_boot v2-rt.list default v2
