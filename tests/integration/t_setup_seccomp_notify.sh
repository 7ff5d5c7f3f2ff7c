#!/bin/bash
# SCMP_ACT_NOTIFY with linux.seccomp.listenerPath, end to end: a listener (python3, on the host)
# receives the notify fd over SCM_RIGHTS with the runtime-spec's container process state, then
# closes it; the container's notified mkdir then fails with ENOSYS (seccomp_unotify(2)).
# The listener path is a host path: the runtime connects before it leaves the host's filesystem.
# An exec'd process gets a connection of its own, as with runc: its notify fd, its host pid as
# "pid", the container's state.
# Named cases (lib.sh): bash t_setup_seccomp_notify.sh --list; bash t_setup_seccomp_notify.sh NAME...
source "$(dirname "$0")/lib.sh"
lib_init setup-notify
# Debian's own interpreter: a version manager's shim would be slow to start.
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3) || {
  echo "SKIP: python3 is missing (the test's listener)"
  exit 77
}

case_setup() {
  B=$CASE_TMP/b
  make_bundle "$B" sh -c 'mkdir /tmp/x; echo "mkdir=$?"'
}
sock=$TMP/listener.sock
cat >"$TMP/listener.py" <<'PY'
import array, json, os, socket, sys
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sys.argv[1])
srv.listen(4)
# One line per connection, as many connections as argv[2] says (default 1).
for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 1):
    conn, _ = srv.accept()
    fds = array.array("i")
    msg, anc, _, _ = conn.recvmsg(65536, socket.CMSG_SPACE(4 * fds.itemsize))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
    st = json.loads(msg)
    link = os.readlink("/proc/self/fd/%d" % fds[0]) if fds else "none"
    print(json.dumps({"nfds": len(fds), "fdkind": link, "fds": st["fds"], "pid": st["pid"],
                      "metadata": st["metadata"], "id": st["state"]["id"],
                      "status": st["state"]["status"], "statepid": st["state"]["pid"]}),
          flush=True)
    for fd in fds:
        os.close(fd)
    conn.close()
PY
# run_with_listener ID: starts the listener, runs the container, leaves $out, $rc and $got.
run_with_listener() {
  rm -f "$sock"
  "$py" "$TMP/listener.py" "$sock" >"$TMP/listener.out" 2>&1 &
  local lpid=$!
  wait_until 20 test -S "$sock" || fail "the listener did not start"
  rc=0
  out=$(rt run -b "$B" "$1" 2>&1) || rc=$?
  # The listener exits once it got the message; after a failed run it never will.
  wait_until 10 proc_gone "$lpid" || kill "$lpid" 2>/dev/null
  wait "$lpid" 2>/dev/null
  got=$(cat "$TMP/listener.out")
}

check_listener() {
  local what=$1 id=$2 pid
  check "$what: run exits 0" 0 "$rc"
  check_contains "$what: the notified mkdir fails with ENOSYS once the listener is gone" "$out" \
    "Function not implemented"
  check "$what: one fd was passed" 1 "$(jq -r .nfds <<<"$got")"
  check "$what: the fd is a seccomp listener" "anon_inode:seccomp notify" \
    "$(jq -r .fdkind <<<"$got")"
  check "$what: fds names it seccompFd" '["seccompFd"]' "$(jq -c .fds <<<"$got")"
  check "$what: metadata is listenerMetadata" meta-data "$(jq -r .metadata <<<"$got")"
  check "$what: state.id" "$id" "$(jq -r .id <<<"$got")"
  pid=$(jq -r .pid <<<"$got")
  check "$what: pid is the container's init (state.pid, > 0)" yes \
    "$([ "$pid" -gt 0 ] 2>/dev/null && [ "$pid" = "$(jq -r .statepid <<<"$got")" ] && echo yes)"
}

# mkdir and mkdirat notify the listener at $sock.
notify_bundle() {
  bundle_set "$B" ".root.readonly = false | .linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\",
  \"listenerPath\": \"$sock\", \"listenerMetadata\": \"meta-data\",
  \"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
}

case_root_listener() {
  notify_bundle
  run_with_listener setup-n1
  check_listener "root" setup-n1
}

# exec: a detached container with a listener for three connections (init, two execs).
check_exec_message() {
  local what=$1 line=$2 pid=$3 init=$4
  check "$what: one fd was passed" 1 "$(jq -r .nfds <<<"$line")"
  check "$what: the fd is a seccomp listener" "anon_inode:seccomp notify" \
    "$(jq -r .fdkind <<<"$line")"
  check "$what: metadata is listenerMetadata" meta-data "$(jq -r .metadata <<<"$line")"
  check "$what: state.id" setup-nx "$(jq -r .id <<<"$line")"
  check "$what: state.status" running "$(jq -r .status <<<"$line")"
  check "$what: state.pid is the container's init" "$init" "$(jq -r .statepid <<<"$line")"
  [ -n "$pid" ] && check "$what: pid is the exec'd process's host pid" "$pid" "$(jq -r .pid <<<"$line")"
}
case_exec_listener() {
  notify_bundle
  bundle_set "$B" '.process.args = ["sleep", "1000"]'
  rm -f "$sock"
  "$py" "$TMP/listener.py" "$sock" 3 >"$TMP/listener.out" 2>&1 &
  lpid=$!
  wait_until 20 test -S "$sock" || fail "the listener did not start"
  check_rc "exec: run -d with a listener" 0 rt run -d -b "$B" --pid-file "$TMP/init.pid" setup-nx
  init=$(cat "$TMP/init.pid")
  wait_until 10 test "$(wc -l <"$TMP/listener.out")" -ge 1
  out=$(rt exec setup-nx sh -c 'mkdir /tmp/e1; echo "mkdir=$?"' 2>&1)
  check_contains "exec: the notified mkdir fails with ENOSYS once the listener closed the fd" \
    "$out" "Function not implemented"
  check_rc "exec -d with a listener" 0 rt exec -d --pid-file "$TMP/exec.pid" setup-nx \
    sh -c 'mkdir /tmp/e2; sleep 1000'
  wait_until 10 proc_gone "$lpid" || kill "$lpid" 2>/dev/null
  wait "$lpid" 2>/dev/null
  check "exec: the listener got three connections" 3 "$(wc -l <"$TMP/listener.out")"
  check_exec_message "exec" "$(sed -n 2p "$TMP/listener.out")" "" "$init"
  check_exec_message "exec -d" "$(sed -n 3p "$TMP/listener.out")" "$(cat "$TMP/exec.pid")" "$init"
  check_rc "exec fails when the listener is gone" 255 rt exec setup-nx true
  check_contains "and says why" "$(cat "$TMP/last.err")" "linux.seccomp.listenerPath: connect"
  rt delete -f setup-nx >/dev/null 2>&1
}

# In a user namespace the init cannot open host files as root: rtrun connects for it.
case_userns_listener() {
  notify_bundle
  chmod 755 "$TMP" "$CASE_TMP"
  bundle_set "$B" '.linux.namespaces += [{"type": "user"}]
  | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
  | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
  | .root.readonly = true | .mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}]'
  run_with_listener setup-n2
  check_listener "user namespace" setup-n2
}

lib_run_cases "$@"
