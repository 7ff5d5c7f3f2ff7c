#!/bin/bash
# The VM lane, pure cgroup v2: one 4-CPU guest on the default Debian kernel runs every
# integration test tests/vm/v2.list names, with the binaries built on the host.
set -euo pipefail
. "${RTRUN_SRC:?}/tests/vm/lane-host.sh"
lane_require default
lane_boot v2.list default v2
