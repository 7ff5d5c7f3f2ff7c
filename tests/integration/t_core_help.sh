#!/bin/bash
# The command line's own documentation and two runc behaviours of issue 19:
# - every command `rtrun --help` lists has a --help with a Usage line, an Options section and
#   --help itself described (the man pages are generated from these texts);
# - `spec --rootless` writes what runc 1.1.5's does (rtrun's own defaults aside);
# - `list --format json` fills "owner" as the table does (runc: the state dir's owner).
set -u
. "$(dirname "$0")/lib.sh"
lib_init core_help

cmds=$("$RTRUN" --help | sed -n '/^Commands:/,/^$/s/^   \([a-z]\+\) .*/\1/p')
check "commands listed" 1 "$([ "$(echo $cmds | wc -w)" -ge 15 ] && echo 1)"
bad=
for c in $cmds; do
        h=$("$RTRUN" "$c" --help 2>&1)
        rc=$?
        [ $rc = 0 ] || bad="$bad $c(exit $rc)"
        echo "$h" | head -1 | grep -q "^Usage: rtrun $c" || bad="$bad $c(usage)"
        echo "$h" | grep -q '^Options:' || bad="$bad $c(options)"
        echo "$h" | grep -q '^   --help, -h  *show this help$' || bad="$bad $c(--help)"
        # -h too, and every --option the command's help names is one it accepts
        [ "$("$RTRUN" "$c" -h 2>&1)" = "$h" ] || bad="$bad $c(-h)"
done
check "every command's --help: Usage, Options, --help" "" "$bad"

# spec --rootless, compared with runc's: equal but for the hostname and ociVersion (the
# cgroup namespace too: both add it on hosts with the unified hierarchy alone)
mkdir -p "$TMP/r" "$TMP/o"
norm='del(.hostname, .ociVersion)'
check_rc "spec --rootless" 0 "$RTRUN" spec --rootless -b "$TMP/o"
if command -v runc >/dev/null; then
        (cd "$TMP/r" && runc spec --rootless) || fail "runc spec --rootless"
        check "spec --rootless as runc's" "$(jq -S "$norm" "$TMP/r/config.json")" \
                "$(jq -S "$norm" "$TMP/o/config.json")"
fi
check "rootless maps root to the caller" "[{\"containerID\":0,\"hostID\":$(id -u),\"size\":1}]" \
        "$(jq -c .linux.uidMappings "$TMP/o/config.json")"
want_ns="pid ipc uts mount user"
[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] && want_ns="pid ipc uts mount cgroup user"
check "rootless: no network namespace, a user namespace" "$want_ns" \
        "$(jq -r '[.linux.namespaces[].type] | join(" ")' "$TMP/o/config.json")"
# list: owner in JSON as in the table
make_bundle "$TMP/b" sleep 100
check_rc "create" 0 rt create --bundle "$TMP/b" help-owner
want=$(id -un)
check "list --format json owner" "$want" "$(rt list --format json | jq -r '.[] | select(.id == "help-owner") | .owner')"
check "list table owner" "$want" "$(rt list | awk '$1 == "help-owner" {print $NF}')"
rt delete --force help-owner >/dev/null 2>&1
lib_done
