#!/bin/bash
# The package's rtrun-shield.service with systemd as PID 1 (VM lane, systemd.list): started,
# it shields SHIELD_CPUS of its config file; stopped (as at shutdown), it releases them; with
# an empty SHIELD_CPUS it does nothing. The unit is the packaged one with the binary's and the
# config's paths pointed at this build (nothing is installed: the lane shares the host's /).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/systemd_lib.sh"
lib_init sdshield
sd_require
[ "$(nproc)" -ge 2 ] || { echo "SKIP: needs 2 CPUs"; exit 77; }
cpu=$(($(nproc) - 1))
U=rtrun-test-shield-$$.service
CONF=/run/rtrun-test-shield-$$.conf
shielded() { "$RTRUN" cpus status --format json | jq -r --argjson c "$cpu" '.cpus[] | select(.cpu == $c) | .shielded'; }
cleanup_unit() {
  systemctl stop "$U" >/dev/null 2>&1
  rm -f "/run/systemd/system/$U" "$CONF"
  systemctl daemon-reload
  "$RTRUN" cpus release >/dev/null 2>&1
}
trap 'cleanup_unit; lib_cleanup' EXIT
sed -e "s|/usr/bin/rtrun|$RTRUN|g" -e "s|/etc/rtrun/rtrun.conf|$CONF|g" \
  "$RTRUN_SRC/packaging/rtrun-shield.service" >"/run/systemd/system/$U"
echo "SHIELD_CPUS=\"$cpu\"" >"$CONF"
systemctl daemon-reload
check "before: CPU $cpu not shielded" false "$(shielded)"
check_rc "systemctl start" 0 systemctl start "$U"
check "the unit is active" active "$(sd_prop "$U" ActiveState)"
check "started: CPU $cpu shielded" true "$(shielded)"
check_rc "systemctl stop (shutdown)" 0 systemctl stop "$U"
check "stopped: CPU $cpu released" false "$(shielded)"
# an empty SHIELD_CPUS: the condition skips it, nothing is shielded
echo 'SHIELD_CPUS=""' >"$CONF"
check_rc "start with no CPUs" 0 systemctl start "$U"
check "no CPUs: nothing shielded" false "$(shielded)"
check "no CPUs: the unit did not stay active" inactive "$(sd_prop "$U" ActiveState)"
lib_done
