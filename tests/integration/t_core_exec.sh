#!/bin/bash
# exec joins a running container (namespaces, cgroup) with and without a tty; the pty of a
# terminal container goes to --console-socket.
# Named cases (lib.sh): bash t_core_exec.sh --list; bash t_core_exec.sh NAME...
source "$(dirname "$0")/lib.sh"
lib_init exec

field() { # field NAME: the value of NAME: in /proc/self/status text on stdin
  awk -v k="$1:" '$1 == k { $1 = ""; sub(/^ +/, ""); sub(/ +$/, ""); print }'
}

# Every case starts with core-x running `sleep 1000` (cgroup $CG_PREFIX/b; init's pid $init).
case_setup() {
  B=$CASE_TMP/b
  make_bundle "$B" sleep 1000
  rt run -d -b "$B" --pid-file "$CASE_TMP/pid" core-x >/dev/null || {
    fail "run -d core-x"
    exit 1
  }
  init=$(cat "$CASE_TMP/pid")
}

# core-n: no_new_privs off, additionalGids 5 6, CAP_KILL inheritable and ambient.
start_core_n() {
  N=$CASE_TMP/n
  make_bundle "$N" sleep 1000
  bundle_set "$N" '.process.noNewPrivileges = false | .process.user.additionalGids = [5, 6]
  | .process.capabilities.inheritable = ["CAP_KILL"] | .process.capabilities.ambient = ["CAP_KILL"]'
  check_rc "run -d core-n" 0 rt run -d -b "$N" core-n
}

case_basics() {
  check "exec prints output" "hi" "$(rt exec core-x echo hi 2>&1)"
  check_rc "exec exits with the process's code" 7 rt exec core-x sh -c 'exit 7'
  check "exec sees the container's init as pid 1" sleep "$(rt exec core-x cat /proc/1/comm)"
  for ns in mnt net ipc uts pid cgroup; do
    check "exec joins the $ns namespace" "$(readlink /proc/$init/ns/$ns)" \
      "$(rt exec core-x readlink /proc/self/ns/$ns)"
  done
  check "exec --env" "bar baz" "$(rt exec --env FOO=bar -e X=baz core-x sh -c 'echo $FOO $X')"
  check "exec inherits the container's env" \
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "$(rt exec core-x sh -c 'echo $PATH')"
  check "exec --cwd" "/tmp" "$(rt exec --cwd /tmp core-x pwd)"
  check "exec --user uid:gid" "1000 1001" "$(rt exec --user 1000:1001 core-x sh -c 'echo $(id -u) $(id -g)')"
  check_rc "exec of a missing program fails" 1 rt exec core-x no-such-program
  check_contains "exec names the missing program" "$(cat "$TMP/last.err")" \
    'exec: "no-such-program": executable file not found in $PATH'
}

# The flags that change the process, each checked against what runc 1.1.5 does on the same
# bundle. core-n: no_new_privs off, additionalGids 5 6, CAP_KILL inheritable and ambient.
case_process_flags() {
  start_core_n
  st=$(rt exec core-n cat /proc/self/status)
  check "exec without flags: the container's no_new_privs" 0 "$(field NoNewPrivs <<<"$st")"
  check "exec without flags: the container's additionalGids" "5 6" "$(field Groups <<<"$st")"
  check "exec --no-new-privs" 1 "$(rt exec --no-new-privs core-n cat /proc/self/status | field NoNewPrivs)"
  check "exec --no-new-privs=false clears the container's" 0 \
    "$(rt exec --no-new-privs=false core-x cat /proc/self/status | field NoNewPrivs)"
  check_rc "exec --no-new-privs=maybe fails" 1 rt exec --no-new-privs=maybe core-n true
  check_contains "and says why" "$(cat "$TMP/last.err")" "--no-new-privs: expected true or false, got 'maybe'"
}

# --cap: bounding, effective and permitted; runc leaves inheritable and ambient alone.
case_caps() {
  start_core_n
  st=$(rt exec --cap CAP_SYS_ADMIN -c CAP_NET_RAW core-n cat /proc/self/status)
  for set in CapBnd CapEff CapPrm; do
    check "exec --cap adds to $set" 0000000020202420 "$(field $set <<<"$st")"
  done
  check "exec --cap leaves CapInh" 0000000000000020 "$(field CapInh <<<"$st")"
  check "exec --cap leaves CapAmb" 0000000000000020 "$(field CapAmb <<<"$st")"
  st=$(rt exec -u 1000:1000 --cap CAP_SYS_ADMIN core-n cat /proc/self/status)
  check "exec --cap as a non-root user: in the bounding set" 0000000020200420 "$(field CapBnd <<<"$st")"
  check "exec --cap as a non-root user: effective is the ambient set" 0000000000000020 \
    "$(field CapEff <<<"$st")"
  for bad in CAP_BOGUS sys_admin SYS_ADMIN; do
    check_rc "exec --cap $bad fails" 1 rt exec --cap "$bad" core-n true
    check_contains "and names it" "$(cat "$TMP/last.err")" "--cap: unknown capability '$bad'"
  done
}

# --additional-gids adds to the container's; --user keeps them (runc's rule).
case_additional_gids() {
  start_core_n
  check "exec -g -g adds groups" "5 6 7 8" \
    "$(rt exec -g 7 --additional-gids 8 core-n cat /proc/self/status | field Groups)"
  check "exec --user keeps the container's additionalGids" "5 6" \
    "$(rt exec -u 1000 core-n cat /proc/self/status | field Groups)"
  check "exec --user with -g" "1000 0 5 6 9" "$(rt exec -u 1000 -g 9 core-n sh -c 'echo $(id -u) $(id -G)')"
  for bad in abc -1 2147483648 7,8; do
    check_rc "exec -g $bad fails" 1 rt exec -g "$bad" core-n true
    check_contains "and says why" "$(cat "$TMP/last.err")" "--additional-gids: "
  done
}

# --apparmor and --process-label: empty keeps the container's (none); a value this host cannot
# apply is refused, naming the LSM.
case_lsm() {
  start_core_n
  check_rc "exec --apparmor '' --process-label ''" 0 rt exec --apparmor "" --process-label "" core-n true
  if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
    check_rc "exec --apparmor PROFILE without AppArmor fails" 1 rt exec --apparmor foo core-n true
    check_contains "and says so" "$(cat "$TMP/last.err")" "AppArmor is not enabled on this host"
    printf '{"args": ["true"], "cwd": "/", "apparmorProfile": "foo"}' >"$CASE_TMP/aa.json"
    check_rc "exec --process with apparmorProfile without AppArmor fails" 1 \
      rt exec --process "$CASE_TMP/aa.json" core-n
    check_contains "and says so" "$(cat "$TMP/last.err")" "process.apparmorProfile 'foo'"
  else
    echo "# AppArmor is enabled here: refusing a profile is not tested"
  fi
  if ! [ -d /sys/fs/selinux ]; then
    check_rc "exec --process-label without SELinux fails" 1 rt exec --process-label foo core-n true
    check_contains "and says so" "$(cat "$TMP/last.err")" "SELinux is not enabled on this host"
  else
    echo "# SELinux is enabled here: refusing a label is not tested"
  fi
}

# --preserve-fds N: fds 3..3+N-1 reach the process, the ones above do not; they must be open
# (runc: "unable to stat preserved-fd"), and a count that is not one is refused.
case_preserve_fds() {
  echo three >"$CASE_TMP/f3"
  echo four >"$CASE_TMP/f4"
  check "exec --preserve-fds 2" "three four no-fd5" "$(rt exec --preserve-fds 2 core-x \
    sh -c 'cat <&3; cat <&4; [ -e /proc/$$/fd/5 ] || echo no-fd5' 3<"$CASE_TMP/f3" 4<"$CASE_TMP/f4" 5<"$CASE_TMP/f3" | tr '\n' ' ' | sed 's/ $//')"
  check_rc "exec --preserve-fds 2 with fd 4 closed fails" 1 \
    rt exec --preserve-fds 2 core-x true 3<"$CASE_TMP/f3" 4<&-
  check_contains "and names the fd" "$(cat "$TMP/last.err")" "--preserve-fds 2: fd 4 is not open"
  check_rc "exec --preserve-fds 1 does not pass rtrun's --log file as fd 3" 1 \
    "$RTRUN" --root "$ROOT" --log "$CASE_TMP/exec.log" exec --preserve-fds 1 core-x true 3<&-
  check_contains "and says fd 3 is not open" "$(cat "$TMP/last.err")" "--preserve-fds 1: fd 3 is not open"
  for bad in -1 x 65537; do
    check_rc "exec --preserve-fds $bad fails" 1 rt exec --preserve-fds "$bad" core-x true
    check_contains "and says why" "$(cat "$TMP/last.err")" "--preserve-fds: expected a count"
  done
}

case_process_json() {
  cat >"$CASE_TMP/process.json" <<'JSON'
{"args": ["sh", "-c", "echo from-process-json $V $(pwd) $(id -u)"], "env": ["V=42", "PATH=/bin"],
 "cwd": "/etc", "user": {"uid": 65534, "gid": 65534}}
JSON
  check "exec --process FILE" "from-process-json 42 /etc 65534" "$(rt exec --process "$CASE_TMP/process.json" core-x)"
}

case_detach() {
  check_rc "exec --detach with --pid-file" 0 rt exec -d --pid-file "$CASE_TMP/epid" core-x sleep 100
  epid=$(cat "$CASE_TMP/epid")
  check "exec pid file is a bare integer" 1 "$([[ "$(cat "$CASE_TMP/epid")" =~ ^[0-9]+$ ]] && echo 1)"
  check "detached exec process runs sleep" sleep "$(cat /proc/$epid/comm 2>/dev/null)"
  check "detached exec process is in the container's cgroup" "$(cat /proc/$init/cgroup)" \
    "$(cat /proc/$epid/cgroup)"
  check_contains "ps lists the exec'd process" "$(rt ps --format json core-x)" "$epid"
}

# With a tty: script(1) gives rtrun a terminal; exec -t proxies a pty from the container.
case_tty() {
  if command -v script >/dev/null; then
    out=$(script -qec "$RTRUN --root $ROOT exec -t core-x sh -c 'tty; test -t 0 && echo stdin-is-a-tty'" /dev/null </dev/null)
    check_contains "exec --tty gets a pty of the container" "$out" "/dev/pts/"
    check_contains "exec --tty: stdin is the terminal" "$out" "stdin-is-a-tty"
    T=$CASE_TMP/term
    make_bundle "$T" sh -c 'tty; exit 3'
    bundle_set "$T" '.process.terminal = true'
    out=$(script -qec "$RTRUN --root $ROOT run -b $T core-term; echo rc=\$?" /dev/null </dev/null | tr -d '\r')
    check_contains "run in the foreground with terminal: the container gets its own pty" "$out" "/dev/pts/0"
    check_contains "run with terminal exits with the container's code" "$out" "rc=3"
    out=$(rt exec core-x sh -c 'test -t 0 || echo no-tty' </dev/null)
    check "exec without --tty has no terminal" "no-tty" "$out"
  else
    echo "# script(1) missing (bsdutils): exec --tty via the caller's terminal not tested"
  fi
}

# --console-socket: tests/helpers/recvtty receives the master.
case_console_socket() {
  recv=$HELPERS/recvtty
  if [ -x "$recv" ]; then
    sock=$CASE_TMP/tty.sock
    # timeout: a receiver nobody connects to must not hang the test.
    timeout 30 "$recv" "$sock" >"$CASE_TMP/tty.out" 2>&1 &
    rpid=$!
    wait_until 5 test -S "$sock"
    check_rc "exec -t -d --console-socket" 0 rt exec -t -d --console-socket "$sock" core-x \
      sh -c 'tty; echo console-ok'
    wait $rpid
    out=$(tr -d '\r' <"$CASE_TMP/tty.out")
    check_contains "the console socket received the pty (tty output)" "$out" "/dev/pts/"
    check_contains "the console socket carries the process output" "$out" "console-ok"

    B2=$CASE_TMP/tb
    make_bundle "$B2" sh -c 'tty; echo init-console-ok'
    bundle_set "$B2" '.process.terminal = true'
    sock=$CASE_TMP/tty2.sock
    timeout 30 "$recv" "$sock" >"$CASE_TMP/tty2.out" 2>&1 &
    rpid=$!
    wait_until 5 test -S "$sock"
    check_rc "create with a terminal and --console-socket" 0 rt create -b "$B2" --console-socket "$sock" core-tty
    check_rc "start the terminal container" 0 rt start core-tty
    wait $rpid
    out=$(tr -d '\r' <"$CASE_TMP/tty2.out")
    check_contains "init's pty came through the console socket" "$out" "/dev/pts/0"
    check_contains "init's output on the pty" "$out" "init-console-ok"
    check_rc "create with a terminal needs --console-socket" 1 rt create -b "$B2" core-tty2
    check_contains "and says so" "$(cat "$TMP/last.err")" "console-socket"
    check "nothing left by the refused create" absent "$(status_of core-tty2)"
  else
    fail "tests/helpers/recvtty is not built ($recv)"
  fi
}

# --cgroup: into existing sub-cgroups of the container's (core-x: $CG_PREFIX/b), as runc 1.1.
case_cgroup_flag() {
  v2only=
  [ -f /sys/fs/cgroup/cgroup.controllers ] && v2only=1
  cgdirs=$(cgroup_dirs "$CG_PREFIX/b")
  [ -n "$v2only" ] && cgdirs="/sys/fs/cgroup/${CG_PREFIX#/}/b"
  for d in $cgdirs; do
    mkdir -p "$d/sub" "$d/sub2"
    if [ -f "$d/cpuset.cpus" ] && [ -f "$d/cgroup.clone_children" ]; then # v1: empty until set
      for s in sub sub2; do
        cat "$d/cpuset.cpus" >"$d/$s/cpuset.cpus"
        cat "$d/cpuset.mems" >"$d/$s/cpuset.mems"
      done
    fi
  done
  out=$(rt exec --cgroup sub core-x cat /proc/self/cgroup)
  check "exec --cgroup PATH: every hierarchy" "$(wc -w <<<"$cgdirs") 0" \
    "$(grep -c ':/sub$' <<<"$out") $(grep -vc ':/sub$' <<<"$out")"
  check_contains "exec --cgroup PATH: the unified one too" "$out" "0::/sub"
  out=$(rt exec --cgroup /sub/../sub2/ core-x cat /proc/self/cgroup)
  check "exec --cgroup with a path to clean" "0::/sub2 0" "$(grep '^0::' <<<"$out") $(grep -vc ':/sub2$' <<<"$out")"
  if [ -z "$v2only" ]; then
    out=$(rt exec --cgroup cpu,memory:sub --cgroup pids:sub2 core-x cat /proc/self/cgroup)
    check "exec --cgroup cpu,memory:PATH" "cpu:/sub memory:/sub" \
      "$(grep -E ':(cpu|memory):' <<<"$out" | cut -d: -f2- | sort | tr '\n' ' ' | sed 's/ $//')"
    check_contains "exec --cgroup pids:PATH2" "$out" ":pids:/sub2"
    check "exec --cgroup CTRL:PATH leaves the other hierarchies" "0::/ freezer:/" \
      "$(grep -E '^0::|:freezer:' <<<"$out" | sed 's/^[1-9][0-9]*://' | sort | tr '\n' ' ' | sed 's/ $//')"
    check_rc "exec --cgroup with an unknown controller fails" 1 rt exec --cgroup bogus:sub core-x true
    check_contains "and names it" "$(cat "$TMP/last.err")" "no controller bogus on this host"
    check_rc "exec --cgroup PATH with another --cgroup fails" 1 \
      rt exec --cgroup sub --cgroup pids:sub2 core-x true
    check_contains "and says why" "$(cat "$TMP/last.err")" "give a CONTROLLER: prefix"
  else
    check_rc "exec --cgroup CTRL:PATH on cgroup v2 fails" 1 rt exec --cgroup pids:sub core-x true
    check_contains "and says why" "$(cat "$TMP/last.err")" "cgroup v2 has one hierarchy"
  fi
  check_rc "exec --cgroup outside the container's cgroup fails" 1 rt exec --cgroup sub/../.. core-x true
  check_contains "and says why" "$(cat "$TMP/last.err")" "is not below the container's cgroup"
  check_rc "exec --cgroup of a missing sub-cgroup fails" 1 rt exec --cgroup nosuch core-x true
  check_contains "and names it" "$(cat "$TMP/last.err")" "/nosuch: No such file or directory"
  check_rc "exec --cgroup with an empty controller fails" 1 rt exec --cgroup :sub core-x true
  check_contains "and says why" "$(cat "$TMP/last.err")" "empty controller name"
  for d in $cgdirs; do rmdir "$d/sub" "$d/sub2"; done
}

# A paused container: exec is refused unless --ignore-paused; then the new process freezes as
# it joins the cgroup and exec returns once the container is resumed (runc does the same).
case_paused() {
  check_rc "pause core-x" 0 rt pause core-x
  check_rc "exec in a paused container fails" 1 rt exec core-x true
  check_contains "and points to --ignore-paused" "$(cat "$TMP/last.err")" \
    "cannot exec in a paused container (use --ignore-paused to override)"
  rt exec --ignore-paused core-x sh -c 'echo ran-after-resume; exit 5' >"$CASE_TMP/ip.out" 2>&1 &
  ipid=$!
  sleep 0.5
  check "exec --ignore-paused waits while the container is paused" waiting \
    "$(proc_gone $ipid && echo returned || echo waiting)"
  check_rc "resume core-x" 0 rt resume core-x
  rc=0
  wait $ipid || rc=$?
  check "exec --ignore-paused runs the process after resume" "ran-after-resume rc=5" \
    "$(cat "$CASE_TMP/ip.out") rc=$rc"
}

case_stopped() {
  rt kill core-x KILL
  wait_status core-x stopped 5
  check_rc "exec in a stopped container fails" 1 rt exec core-x true
  check_contains "exec says container not running" "$(cat "$TMP/last.err")" "container not running"
}

lib_run_cases "$@"
