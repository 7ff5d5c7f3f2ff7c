#!/bin/bash
# The VM lane with systemd as PID 1, pure cgroup v2: one 4-CPU guest on the default Debian
# kernel whose systemd boots to a unit that runs every test tests/vm/systemd.list names.
set -euo pipefail
. "${RTRUN_SRC:?}/tests/vm/lane-host.sh"
lane_require default
[ -x /lib/systemd/systemd ] || { echo "VM lane skipped, missing: /lib/systemd/systemd (systemd)"; exit 77; }
lane_boot systemd.list default v2 -i systemd
