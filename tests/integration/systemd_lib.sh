# Shared by the t_systemd_*.sh tests (source after lib.sh): they need systemd as PID 1 (the VM
# lane boots it: tests/vm/systemd.list, t_vm_systemd.sh) and skip elsewhere, naming why.
sd_require() {
  if [ "$(cat /proc/1/comm 2>/dev/null)" != systemd ]; then
    echo "SKIP: needs systemd as PID 1 (runs in the VM lane: t_vm_systemd.sh)"
    exit 77
  fi
}
# The cgroup v2 (or v1 hierarchy NAME's) directory of a path below the root.
sd_cgdir() { # PATH [V1_HIERARCHY]
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    echo "/sys/fs/cgroup$1"
  else
    echo "/sys/fs/cgroup/${2:-memory}$1"
  fi
}
sd_prop() { # UNIT PROPERTY: systemctl's value
  systemctl show -P "$2" "$1" 2>/dev/null
}
# "loaded" while systemd has the unit, "not-found" once it is gone.
sd_load_state() {
  systemctl show -P LoadState "$1" 2>/dev/null
}
sd_v2() { [ -f /sys/fs/cgroup/cgroup.controllers ]; }
