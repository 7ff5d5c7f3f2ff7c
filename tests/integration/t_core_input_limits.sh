#!/bin/bash
# Input the JSON layer refuses (NUL characters, repeated keys) and sizes beyond the kernel's
# limits, in config.json, `exec --process` and `update --resources`: a clear error naming the
# field, exit 1, and nothing left (no state directory, no cgroup, no process). Each case also
# runs under runc 1.1.5 on the same bundle where runc has an answer; where rtrun differs on
# purpose, docs/differences-from-runc.md says why.
source "$(dirname "$0")/lib.sh"
lib_init limits

B=$TMP/b
make_bundle "$B" echo hello
cp "$B/config.json" "$TMP/good.json"
RUNC_ROOT=$TMP/runc-root
have_runc=false
command -v runc >/dev/null && have_runc=true
$have_runc || echo "note: runc is missing: the comparisons with runc are not made"

# expect_clean_failure NAME ID MESSAGE: create from $B fails with MESSAGE and leaves nothing.
expect_clean_failure() {
  local name=$1 id=$2 msg=$3
  check_rc "$name: create fails" 1 rt create -b "$B" "$id"
  check_contains "$name: error names the field" "$(cat "$TMP/last.err")" "$msg"
  check "$name: no state directory" "" "$(ls "$ROOT" 2>/dev/null | grep -x -- "$id")"
  check "$name: no cgroup" "" "$(cgroup_dirs "$CG_PREFIX/b")"
  check "$name: no process" "" "$(pgrep -f -- "create -b $B $id" || true)"
}

# runc_says NAME RC [OUTPUT]: `runc run` on the same bundle exits RC (and prints OUTPUT).
runc_says() {
  $have_runc || return 0
  local name=$1 want_rc=$2 want_out=${3-} rc=0 out
  out=$(timeout 60 runc --root "$RUNC_ROOT" run -b "$B" limits-runc 2>&1) || rc=$?
  runc --root "$RUNC_ROOT" delete -f limits-runc >/dev/null 2>&1 || true
  local d
  for d in $(cgroup_dirs "$CG_PREFIX/b"); do rmdir "$d" 2>/dev/null || true; done
  if [ "$want_rc" = nonzero ]; then
    if [ "$rc" -ne 0 ]; then pass "$name: runc refuses it too (rc $rc)"; else
      fail "$name: runc accepted it"; fi
  else
    check "$name: runc's exit code" "$want_rc" "$rc"
  fi
  [ -n "$want_out" ] && check_contains "$name: runc's output" "$out" "$want_out"
  cp "$TMP/good.json" "$B/config.json"
}

# A NUL character in a string would cut it short: "tr\u0000ue" ran `tr`.
bundle_set "$B" '.process.args = ["ech\u0000o", "x"]'
expect_clean_failure "NUL in process.args" lim-1 \
  'config.json: process.args[0]: the string contains a NUL character (\u0000)'
runc_says "NUL in process.args" nonzero

# ... and "/etc\u0000/../x" mounted over /etc.
bundle_set "$B" '.mounts += [{"destination": "/etc\u0000/../x", "type": "tmpfs", "source": "tmpfs"}]'
n=$(jq '.mounts | length - 1' "$B/config.json")
expect_clean_failure "NUL in a mount destination" lim-2 \
  "config.json: mounts[$n].destination: the string contains a NUL character"
runc_says "NUL in a mount destination" nonzero "null byte"

# Two "process" keys: runc (Go) takes the last, rtrun refuses rather than pick one.
python3 - "$B/config.json" <<'EOF'
import sys
p = sys.argv[1]
s = open(p).read()
i = s.index('"process"')
open(p, "w").write(s[:i] + '"process": {"args": ["echo", "first"], "cwd": "/"},\n  ' + s[i:])
EOF
check "the config has two process keys" 2 "$(grep -c '"process"' "$B/config.json")"
expect_clean_failure "duplicate process key" lim-3 \
  "config.json: process: the key appears twice in one object"
runc_says "duplicate process key" 0 hello

# Sizes the kernel refuses, checked before anything exists (they used to fail in the set-up).
bundle_set "$B" ".hostname = \"$(printf 'h%.0s' $(seq 65))\""
expect_clean_failure "65-byte hostname" lim-4 \
  "config.json: hostname: 65 bytes long, more than the 64 the kernel accepts"
runc_says "65-byte hostname" nonzero "sethostname"

head -c $((64 << 20)) /dev/zero | tr '\0' h >"$TMP/huge"
jq --rawfile h "$TMP/huge" '.domainname = $h' "$TMP/good.json" >"$B/config.json"
expect_clean_failure "64 MiB domainname" lim-5 "config.json: domainname: 67108864 bytes long"
cp "$TMP/good.json" "$B/config.json"
rm -f "$TMP/huge"

head -c $((8 << 20)) /dev/zero | tr '\0' a >"$TMP/arg"
jq --rawfile a "$TMP/arg" '.process.args = ["echo", $a]' "$TMP/good.json" >"$B/config.json"
expect_clean_failure "8 MiB argument" lim-6 \
  "config.json: process.args[1]: 8388608 bytes long, more than the"
runc_says "8 MiB argument" nonzero "argument list too long"

# Each argument fits, together they do not (a quarter of an 8 MiB stack rlimit: 2 MiB).
head -c 100000 /dev/zero | tr '\0' a >"$TMP/arg"
jq --rawfile a "$TMP/arg" '.process.args = ["echo"] + [range(30) | $a] |
  .process.rlimits = [{"type": "RLIMIT_STACK", "soft": 8388608, "hard": 8388608}]' \
  "$TMP/good.json" >"$B/config.json"
expect_clean_failure "3 MB of arguments" lim-7 \
  "config.json: process: args and env take 3000"
runc_says "3 MB of arguments" nonzero "argument list too long"
rm -f "$TMP/arg"

opt=$(printf 'o%.0s' $(seq 5000))
bundle_set "$B" ".mounts += [{\"destination\": \"/mnt\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"size=1m\", \"x$opt\"]}]"
n=$(jq '.mounts | length - 1' "$B/config.json")
expect_clean_failure "mount data over a page" lim-8 "config.json: mounts[$n].options: "
runc_says "mount data over a page" nonzero

# exec --process and update --resources read their JSON the same way.
make_bundle "$TMP/c" sleep 1000
check_rc "create a container" 0 rt create -b "$TMP/c" lim-run
check_rc "start it" 0 rt start lim-run
echo '{"args": ["ech\u0000o", "x"], "cwd": "/"}' >"$TMP/p.json"
check_rc "exec --process with a NUL fails" 1 rt exec --process "$TMP/p.json" lim-run
check_contains "exec --process names the field" "$(cat "$TMP/last.err")" \
  "args[0]: the string contains a NUL character"
echo '{"args": ["true"], "cwd": "/", "args": ["false"]}' >"$TMP/p.json"
check_rc "exec --process with a duplicate key fails" 1 rt exec --process "$TMP/p.json" lim-run
check_contains "exec --process names the key" "$(cat "$TMP/last.err")" \
  "args: the key appears twice"
check "no exec process is left" "1" "$(rt ps lim-run | tail -n +2 | wc -l)"
pids_before=$(cat "$(cgroup_dirs "$CG_PREFIX/c" | grep /pids/ | head -1)/pids.max" 2>/dev/null || echo none)
echo '{"pids": {"limit": 10}, "pids": {"limit": 20}}' >"$TMP/r.json"
check_rc "update --resources with a duplicate key fails" 1 rt update --resources "$TMP/r.json" lim-run
check_contains "update names the key" "$(cat "$TMP/last.err")" "pids: the key appears twice"
check "the pids limit is unchanged" "$pids_before" \
  "$(cat "$(cgroup_dirs "$CG_PREFIX/c" | grep /pids/ | head -1)/pids.max" 2>/dev/null || echo none)"
check_rc "the container still runs" 0 rt exec lim-run true
check_rc "delete" 0 rt delete --force lim-run

# The admission taskset is read the same way (rtrun admission check --taskset).
printf '{"containers": [{"id": "a\\u0000b"}]}' >"$TMP/ts.json"
check_rc "taskset with a NUL in a string fails" 1 "$RTRUN" admission check --taskset "$TMP/ts.json"
check_contains "taskset names the field" "$(cat "$TMP/last.err")" \
  "containers[0].id: the string contains a NUL character"
printf '{"containers": []}\0{"containers": [{"id": "x"}]}' >"$TMP/ts.json"
check_rc "taskset with a raw NUL byte fails" 1 "$RTRUN" admission check --taskset "$TMP/ts.json"
check_contains "taskset says where" "$(cat "$TMP/last.err")" "NUL byte at offset 18"
printf '{"containers": [], "containers": []}' >"$TMP/ts.json"
check_rc "taskset with a duplicate key fails" 1 "$RTRUN" admission check --taskset "$TMP/ts.json"
check_contains "taskset names the key" "$(cat "$TMP/last.err")" "containers: the key appears twice"

lib_done
