#!/bin/bash
# A create that fails at any step says what and where, exits non-zero and leaves nothing: no
# state directory, no cgroup, no process.
# Named cases (lib.sh): bash t_core_failures.sh --list; bash t_core_failures.sh NAME...
source "$(dirname "$0")/lib.sh"
lib_init failures

case_setup() {
  B=$CASE_TMP/b
  make_bundle "$B" sleep 1000
}

# expect_clean_failure NAME ID MESSAGE: create from $B must fail with MESSAGE and leave nothing.
expect_clean_failure() {
  local name=$1 id=$2 msg=$3
  check_rc "$name: create fails" 1 rt create -b "$B" "$id"
  check_contains "$name: error message" "$(cat "$TMP/last.err")" "$msg"
  check "$name: no state directory" "" "$(ls "$ROOT" 2>/dev/null | grep -x -- "$id")"
  check "$name: no cgroup" "" "$(cgroup_dirs "$CG_PREFIX/b")"
  check "$name: no process" "" "$(pgrep -f -- "create -b $B $id" || true)"
}

case_invalid_json() {
  echo '{"ociVersion": "1.2.0", "process": ' >"$B/config.json"
  expect_clean_failure "invalid JSON" core-f1 "config.json"
}

case_missing_rootfs() {
  bundle_set "$B" '.root.path = "no-such-rootfs"'
  expect_clean_failure "missing rootfs" core-f2 "root.path"
}

case_empty_args() {
  bundle_set "$B" '.process.args = []'
  expect_clean_failure "empty args" core-f3 "process.args"
}

case_missing_program() {
  bundle_set "$B" '.process.args = ["no-such-program"]'
  expect_clean_failure "missing program" core-f4 'exec: "no-such-program": executable file not found in $PATH'
}

case_cwd_is_a_file() {
  bundle_set "$B" '.process.cwd = "/etc/passwd"'
  expect_clean_failure "cwd that is a file" core-f5 "/etc/passwd"
}

case_relative_cwd() {
  bundle_set "$B" '.process.cwd = "relative"'
  expect_clean_failure "relative cwd" core-f6 "process.cwd"
}

case_createruntime_hook_fails() {
  bundle_set "$B" '.hooks.createRuntime = [{"path": "/bin/false"}]'
  expect_clean_failure "failing createRuntime hook" core-f7 "hooks.createRuntime[0]"
}

case_prestart_hook_timeout() {
  bundle_set "$B" '.hooks.prestart = [{"path": "/bin/sh", "args": ["sh", "-c", "sleep 30"], "timeout": 1}]'
  expect_clean_failure "prestart hook timeout" core-f8 "timed out"
}

case_createcontainer_hook_fails() {
  bundle_set "$B" '.hooks.createContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}]'
  expect_clean_failure "failing createContainer hook" core-f9 "exited with status 3"
}

case_missing_namespace_path() {
  bundle_set "$B" '.linux.namespaces += [{"type": "user", "path": "/no/such/ns"}]'
  expect_clean_failure "missing namespace path" core-f10 "/no/such/ns"
}

case_hostname_without_uts() {
  bundle_set "$B" '.hostname = "h" | .linux.namespaces |= map(select(.type != "uts"))'
  expect_clean_failure "hostname without a uts namespace" core-f11 "hostname"
}

case_bind_source_missing() {
  bundle_set "$B" '.mounts += [{"destination": "/mnt", "type": "bind", "source": "/no/such/source", "options": ["bind"]}]'
  expect_clean_failure "bind mount of a missing source" core-f12 "/no/such/source"
}

case_cpuset_refused() {
  bundle_set "$B" '.linux.resources.cpu.cpus = "999"'
  expect_clean_failure "a cpuset the kernel refuses" core-f13 "cpus"
}

# An LSM label for an LSM the host has not enabled is refused, as runc refuses it.
case_apparmor_absent() {
  [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] ||
    skip_case "AppArmor is enabled here: the refusal of a profile without it is not checked"
  bundle_set "$B" '.process.apparmorProfile = "rtrun-test"'
  expect_clean_failure "AppArmor profile without AppArmor" core-aa "process.apparmorProfile 'rtrun-test': AppArmor is not enabled"
}

case_selinux_absent() {
  [ ! -d /sys/fs/selinux ] ||
    skip_case "SELinux is enabled here: the refusal of a label without it is not checked"
  bundle_set "$B" '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
  expect_clean_failure "SELinux label without SELinux" core-se "SELinux is not enabled"
}

# The container process fails while rtrun still makes its cgroups (before SYNC_GO): its own
# error is the one reported, and the half-made cgroup goes.
# (A hostname over 64 bytes used to be the example; it is refused while parsing now, see
# t_core_input_limits.sh.)
case_sysctl_refused_by_kernel() {
  bundle_set "$B" '.linux.sysctl = {"kernel.shmmax": "notanumber"}'
  expect_clean_failure "a sysctl value the kernel refuses" core-host "linux.sysctl.kernel.shmmax: write"
}

# The limit is written while the container process builds its namespaces; it dies joining.
case_memory_limit_below_setup() {
  bundle_set "$B" '.linux.resources.memory.limit = 1'
  expect_clean_failure "a memory limit below what set-up needs" core-oom "linux.resources.memory.limit is 1 bytes"
}

case_oom_during_setup() {
  bundle_set "$B" '.linux.resources.memory.limit = 4096'
  expect_clean_failure "a container OOM-killed during set-up" core-f15 "killed by signal 9"
}

# A start whose process is gone fails cleanly too; delete still works.
case_start_after_init_died() {
  check_rc "create" 0 rt create -b "$B" --pid-file "$CASE_TMP/pid" core-f14
  kill -9 "$(cat "$CASE_TMP/pid")"
  wait_status core-f14 stopped 5
  check "a killed created container is stopped" stopped "$(status_of core-f14)"
  check_rc "start of a stopped container fails" 1 rt start core-f14
  check_contains "start says it has stopped" "$(cat "$TMP/last.err")" "stopped"
  check_rc "delete" 0 rt delete core-f14
  check "no cgroup after delete" "" "$(cgroup_dirs "$CG_PREFIX/b")"
}

lib_run_cases "$@"
