#!/bin/bash
# The VM lane, pure cgroup v2 on Debian's 6.1 kernel, where criu 3.17 works: checkpoint and
# restore (tests/vm/criu.list: t_criu_*.sh) in one boot.
set -euo pipefail
. "${RTRUN_SRC:?}/tests/vm/lane-host.sh"
lane_require default
command -v criu >/dev/null || { echo "VM lane skipped, missing: criu (apt-get install criu)"; exit 77; }
lane_boot criu.list default v2
