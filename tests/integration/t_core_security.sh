#!/bin/bash
# CVE classes every runtime must close: the container cannot reach rtrun's binary through
# /proc/PID/exe while its init is still rtrun (CVE-2019-5736), no host fd leaks into it, and its
# cwd is never a host directory (CVE-2024-21626).
# Named cases (lib.sh): bash t_core_security.sh --list; bash t_core_security.sh NAME...
source "$(dirname "$0")/lib.sh"
lib_init security

case_setup() {
  B=$CASE_TMP/b
  make_bundle "$B" sleep 1000
}

case_proc_exe_of_waiting_init() {
  rt create -b "$B" --pid-file "$CASE_TMP/pid" core-s1 || {
    fail "create core-s1"
    exit 1
  }
  init=$(cat "$CASE_TMP/pid")
  check "pid 1 of the created container is still rtrun" rtrun "$(cat /proc/$init/comm)"
  # A non-dumpable process's /proc files belong to root:root whatever its credentials; its
  # /proc/PID/exe is then guarded by ptrace access mode checks.
  out=$(rt exec core-s1 readlink /proc/1/exe 2>&1)
  rc=$?
  check "exec: readlink /proc/1/exe of the waiting init is refused" "1 " "$([ $rc -ne 0 ] && echo 1) $out"
  out=$(rt exec core-s1 sh -c 'echo pwned > /proc/1/exe' 2>&1)
  rc=$?
  check "exec: writing /proc/1/exe is refused" 1 "$([ $rc -ne 0 ] && echo 1)"
  out=$(rt exec core-s1 sh -c 'cat /proc/1/exe > /dev/null' 2>&1)
  rc=$?
  check "exec: reading /proc/1/exe is refused" 1 "$([ $rc -ne 0 ] && echo 1)"
  check "rtrun's binary is unchanged" "$(sha256sum <"$RTRUN")" "$(sha256sum <"$RTRUN")"
  out=$(rt exec core-s1 sh -c 'for f in /proc/1/fd/* /proc/1/cwd /proc/1/root; do readlink $f; done' 2>&1)
  check "exec: the waiting init's fds, cwd and root cannot be followed" "" "$out"
  check "the waiting init holds no fd but stdio and its state directory" \
    "0 1 2 $ROOT/core-s1 " "$(for f in /proc/$init/fd/*; do
      n=${f##*/}
      [ "$n" -le 2 ] && echo -n "$n " || echo -n "$(readlink $f) "
    done)"
  rt delete --force core-s1
}

# File descriptors: only stdio (and --preserve-fds) reach the container.
case_no_fd_leaks() {
  bundle_set "$B" '.process.args = ["ls", "/proc/self/fd"]'
  exec 7</etc/hostname 8>"$CASE_TMP/leak"
  out=$(rt run -b "$B" core-fd1 </dev/null 2>&1 | tr '\n' ' ')
  check "run: only fds 0-2 (and ls's own) are open" "0 1 2 3 " "$out"
  bundle_set "$B" '.process.args = ["sh", "-c", "ls /proc/self/fd; cat <&3"]'
  out=$(echo preserved | (exec 3<&0; "$RTRUN" --root "$ROOT" run --preserve-fds 1 -b "$B" core-fd2 </dev/null 2>&1) | tr '\n' ' ')
  check_contains "run --preserve-fds 1 passes fd 3" "$out" "preserved"
  exec 7<&- 8>&-
}

# cwd: set inside the new root, never a host directory (even through /proc/self/fd/N).
case_cwd_inside_rootfs() {
  bundle_set "$B" '.process.args = ["sh", "-c", "pwd; readlink /proc/self/cwd"] | .process.cwd = "/tmp"'
  check "cwd inside the rootfs" "/tmp /tmp " "$(rt run -b "$B" core-cwd 2>&1 | tr '\n' ' ')"
  for n in 3 4 5 6 7 8 9; do
    bundle_set "$B" ".process.cwd = \"/proc/self/fd/$n\""
    out=$(rt run -b "$B" core-cwd$n 2>&1)
    rc=$?
    if [ $rc -ne 0 ]; then
      pass "cwd /proc/self/fd/$n is refused ($(tail -1 <<<"$out" | cut -c1-80))"
    elif [[ "$out" == /* ]] && ! [[ "$out" == *"$CASE_TMP"* || "$out" == *"$ROOT"* || "$out" == *unreachable* ]]; then
      pass "cwd /proc/self/fd/$n resolves inside the container ($(head -1 <<<"$out"))"
    else
      fail "cwd /proc/self/fd/$n escaped: $out"
    fi
    check "nothing left after cwd /proc/self/fd/$n" absent "$(status_of core-cwd$n)"
  done
}

lib_run_cases "$@"
