#!/bin/bash
# OCI hooks: each gets the state on stdin at its point of the lifecycle, in the right namespace;
# args and env are passed; poststart/poststop failures only warn.
# Named cases (lib.sh): bash t_core_hooks.sh --list; bash t_core_hooks.sh NAME...
source "$(dirname "$0")/lib.sh"
lib_init hooks

case_setup() {
  B=$CASE_TMP/b
  H=$CASE_TMP/hooks
  mkdir -p "$H"
  make_bundle "$B" sleep 1000
  mkdir -p "$B/rootfs/shared"
}

# hook KIND: a hook that saves its stdin and its mount namespace under $H (a host path; the
# container sees it at /shared).
hook() {
  local dir=$2
  printf '{"path": "/bin/sh", "args": ["sh", "-c", "cat > %s/%s.json; readlink /proc/self/ns/mnt > %s/%s.ns; echo $FOO > %s/%s.env"], "env": ["FOO=foo-%s"]}' \
    "$dir" "$1" "$dir" "$1" "$dir" "$1" "$1"
}

case_lifecycle_hooks() {
  bundle_set "$B" "
    .mounts += [{\"destination\": \"/shared\", \"type\": \"bind\", \"source\": \"$H\", \"options\": [\"rbind\"]}] |
    .hooks.prestart = [$(hook prestart "$H")] |
    .hooks.createRuntime = [$(hook createRuntime "$H")] |
    .hooks.createContainer = [$(hook createContainer "$H")] |
    .hooks.startContainer = [$(hook startContainer /shared)] |
    .hooks.poststart = [$(hook poststart "$H")] |
    .hooks.poststop = [$(hook poststop "$H"), {\"path\": \"/bin/false\"}, $(hook poststop2 "$H")]"

  check_rc "create runs prestart/createRuntime/createContainer" 0 rt create -b "$B" core-h1
  pid=$(rt state core-h1 | jq -r .pid)
  for k in prestart createRuntime createContainer; do
    check "$k: state on stdin (id status pid bundle)" "core-h1 creating $pid $B" \
      "$(jq -r '"\(.id) \(.status) \(.pid) \(.bundle)"' "$H/$k.json" 2>&1)"
    check "$k: env" "foo-$k" "$(cat "$H/$k.env" 2>&1)"
  done
  hostns=$(readlink /proc/self/ns/mnt)
  initns=$(readlink /proc/$pid/ns/mnt)
  check "prestart runs in the runtime's mount namespace" "$hostns" "$(cat "$H/prestart.ns")"
  check "createRuntime runs in the runtime's mount namespace" "$hostns" "$(cat "$H/createRuntime.ns")"
  check "createContainer runs in the container's mount namespace" "$initns" "$(cat "$H/createContainer.ns")"
  check "startContainer has not run before start" absent "$(test -e "$H/startContainer.json" && echo present || echo absent)"

  check_rc "start runs startContainer and poststart" 0 rt start core-h1
  wait_until 5 test -s "$H/startContainer.json"
  check "startContainer: state in the container" "core-h1 $pid" \
    "$(jq -r '"\(.id) \(.pid)"' "$H/startContainer.json" 2>&1)"
  check "startContainer runs in the container's mount namespace" "$initns" "$(cat "$H/startContainer.ns")"
  check "poststart: state running" "core-h1 running $pid" \
    "$(jq -r '"\(.id) \(.status) \(.pid)"' "$H/poststart.json" 2>&1)"

  rt kill core-h1 KILL
  wait_status core-h1 stopped 5
  check_rc "delete runs poststop; a failing poststop hook only warns" 0 rt delete core-h1
  check_contains "the failing poststop hook is reported" "$(cat "$TMP/last.err")" "hooks.poststop[1]"
  check "poststop: state stopped" "core-h1 stopped" "$(jq -r '"\(.id) \(.status)"' "$H/poststop.json" 2>&1)"
  check "poststop hooks after a failing one still run" "foo-poststop2" "$(cat "$H/poststop2.env" 2>&1)"
  check "deleted" absent "$(status_of core-h1)"
}

# A failing poststart hook warns; the container keeps running.
case_failing_poststart() {
  bundle_set "$B" '.hooks = {"poststart": [{"path": "/bin/false"}]}'
  check_rc "start with a failing poststart hook succeeds" 0 rt run -d -b "$B" core-h2
  check_contains "the poststart failure is a warning" "$(cat "$TMP/last.err")" "hooks.poststart[0]"
  check "the container runs" running "$(status_of core-h2)"
  rt delete -f core-h2
}

lib_run_cases "$@"
