#!/bin/bash
# checkpoint / restore of an established TCP connection (--tcp-established, docs/checkpoint.md)
# between two busybox containers in the host's network namespace: B listens and sends what the
# test appends to its /tmp/send, A is connected to B and appends what it receives to its
# /tmp/got. Without --tcp-established the checkpoint fails with criu's reason and A runs on;
# with it A is checkpointed and restored, and a line B sends afterwards over the same
# connection reaches A. Runs in the VM lane (tests/vm/criu.list, t_vm_criu.sh); on this host's
# 6.18 kernel it skips naming criu's own error.
set -u
. "$(dirname "$0")/rt_lib.sh"
rt_init criu
. "$(dirname "$0")/criu_lib.sh"

PORT=$((20000 + $$ % 20000))

tcp_bundle() { # DIR ARGS...: busybox bundle in the host's network namespace
  local d=$1
  shift
  rt_bundle "$d" "$@"
  bundle_set "$d" '.root.readonly = false | .linux.namespaces |= map(select(.type != "network"))'
}
got() { cat "$1/rootfs/tmp/got" 2>/dev/null; }
has_line() { grep -qx "$2" "$1/rootfs/tmp/got" 2>/dev/null; }
# A's end of the connection to B (local address:port), as the kernel lists it.
client_end() { ss -Htn state established "( dport = :$PORT )" | awk '{print $3}' | sort | tr '\n' ' '; }

case_established() {
  need_criu
  command -v ss >/dev/null || skip_case "ss is missing (apt-get install iproute2)"
  local a=$CASE_TMP/a b=$CASE_TMP/b img=$CASE_TMP/img
  tcp_bundle "$b" sh -c "exec </dev/null >/dev/null 2>&1; tail -f /tmp/send | nc -l -p $PORT"
  : >"$b/rootfs/tmp/send"
  tcp_bundle "$a" sh -c "exec </dev/null >/dev/null 2>&1; sleep 100000 | nc 127.0.0.1 $PORT >>/tmp/got"
  rt run -d --bundle "$b" cr-tcp-b
  wait_until 60 sh -c "ss -Hltn '( sport = :$PORT )' | grep -q ." || fail "B does not listen on $PORT"
  rt run -d --bundle "$a" cr-tcp-a
  echo before >>"$b/rootfs/tmp/send"
  wait_until 60 has_line "$a" before
  check "A receives B's line" before "$(got "$a")"
  end=$(client_end)
  check_contains "the connection is established" "$end" "127.0.0.1:"

  rc=0
  rt checkpoint --image-path "$CASE_TMP/img0" cr-tcp-a 2>"$CASE_TMP/err" || rc=$?
  check "checkpoint without --tcp-established fails" 1 "$rc"
  check_contains "and gives criu's reason" "$(cat "$CASE_TMP/err")" "tcp-established"
  [ "$rc" = 0 ] || criu_log_errors "$CASE_TMP/err"
  check "A still runs" running "$(status_of cr-tcp-a)"
  echo still >>"$b/rootfs/tmp/send"
  wait_until 60 has_line "$a" still
  check "and still receives" "before still" "$(got "$a" | tr '\n' ' ' | sed 's/ $//')"

  rc=0
  rt checkpoint --tcp-established --image-path "$img" cr-tcp-a 2>"$CASE_TMP/err" || rc=$?
  check "checkpoint --tcp-established" 0 "$rc"
  [ "$rc" = 0 ] || criu_log_errors "$CASE_TMP/err"
  check "A is gone after the checkpoint" absent "$(exists cr-tcp-a)"
  check "B still runs" running "$(status_of cr-tcp-b)"
  rc=0
  rt restore -d --tcp-established --bundle "$a" --image-path "$img" cr-tcp-a 2>"$CASE_TMP/err" || rc=$?
  check "restore --tcp-established" 0 "$rc"
  [ "$rc" = 0 ] || criu_log_errors "$CASE_TMP/err"
  check "restored A runs" running "$(status_of cr-tcp-a)"
  check "the same connection (A's end) is established again" "$end" "$(client_end)"
  echo after >>"$b/rootfs/tmp/send"
  wait_until 60 has_line "$a" after
  check "a line B sends after the restore reaches A over the same connection" \
    "before still after" "$(got "$a" | tr '\n' ' ' | sed 's/ $//')"
  rt delete -f cr-tcp-a
  rt delete -f cr-tcp-b
  check "no connection is left" "" "$(client_end)"
}

lib_run_cases "$@"
