#!/bin/bash
# The VM lane with systemd as PID 1 (pure cgroup v2): the whole Podman engine
# matrix at Podman's default cgroup manager, systemd (tests/vm/podman-systemd.list). It takes
# about 10 minutes of a TCG guest, so its boot has a budget of its own: ctest's TIMEOUT for it
# is 1260 s (tests/CMakeLists.txt), the test gets 900 s and the guest 960 s.
set -euo pipefail
. "${RTRUN_SRC:?}/tests/vm/lane-host.sh"
lane_require default
[ -x /lib/systemd/systemd ] || { echo "VM lane skipped, missing: /lib/systemd/systemd (systemd)"; exit 77; }
LANE_CMD_S=960 LANE_TEST_S=900 LANE_START_S=300 lane_boot podman-systemd.list default v2 -i systemd -m 3072
