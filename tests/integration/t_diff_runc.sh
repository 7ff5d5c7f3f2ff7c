#!/bin/bash
# Differential test against Debian's runc: every case under diff/cases runs the probe (diff/probe.sh)
# in a busybox container under runc and under rtrun (separate --root dirs, the same bundle path
# rebuilt from scratch for each), and the exit code, the normalized output and the files left in
# the rootfs must be identical. Deliberate differences are listed in docs/differences-from-runc.md;
# a case that meets one says so in its file and normalizes it there.
#
# Named cases, one per file of diff/cases (each with a bundle of its own, its containers deleted
# after it): `bash t_diff_runc.sh --list`; `bash t_diff_runc.sh 03-umask 10-seccomp-errno`
# (or RTRUN_CASE=03-umask,10-seccomp-errno, or DIFF_CASES="03-umask 10-seccomp-errno") runs
# only those.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${RTRUN_SRC:=$(cd "$here/../.." && pwd)}"
: "${RTRUN:=${RTRUN_BUILD:-$RTRUN_SRC/build}/runtime/rtrun}"
export RTRUN RTRUN_SRC
all=$(cd "$here/diff/cases" && ls -- *.sh | sed 's/\.sh$//')
if [ "${1:-}" = --list ]; then
        echo "$all"
        exit 0
fi
want=${*:-${RTRUN_CASE:-${DIFF_CASES:-}}}
want=${want//,/ }
for c in $want; do
        grep -qx -- "$c" <<<"$all" ||
                { echo "FATAL: no case '$c' in $(basename "$0"); its cases: $(echo $all)"; exit 2; }
done
for tool in runc busybox jq awk; do
        command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "skipped: needs root"; exit 77; }

work=$(mktemp -d /tmp/rtrun-test-setup-diff.XXXXXX)
chmod 755 "$work" # a user namespace's root (an unprivileged host uid) must reach the bundle
roots=/run/rtrun-test-setup
cgparent=rtrun-test-setup
trap cleanup EXIT
[ -n "${DIFF_KEEP:-}" ] && trap - EXIT

cleanup() {
        for rt in runc rtrun; do
                for id in $(ls "$roots/$rt" 2>/dev/null); do
                        run_rt "$rt" delete -f "$id" >/dev/null 2>&1
                done
        done
        rm -rf "$work" "$roots"
        for d in /sys/fs/cgroup/*/"$cgparent"; do
                [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
        done
}

run_rt() {
        local rt=$1
        shift
        if [ "$rt" = runc ]; then
                runc --root "$roots/runc" "$@"
        else
                "$RTRUN" --root "$roots/rtrun" "$@"
        fi
}

# The base bundle: scripts/mkbundle.sh's busybox rootfs plus a user, a group and the probe;
# config.json is runc's own default spec with the probe as the process.
make_base() {
        local b=$work/base r=$work/base/rootfs
        "$RTRUN_SRC/scripts/mkbundle.sh" "$b" >/dev/null || return 1
        mkdir -p "$r"/data
        printf 'user:x:1000:1000:user:/home/user:/bin/sh\n' >>"$r"/etc/passwd
        printf 'wheel:x:10:user\nuser:x:1000:\n' >>"$r"/etc/group
        cp "$here/diff/probe.sh" "$r"/probe.sh
        echo data >"$b"/hostfile
        mkdir -p "$b"/hostdir
        echo data >"$b"/hostdir/file
        rm -f "$b/config.json"
        (cd "$b" && runc spec) || return 1
        jq --arg cg "/$cgparent/diff" '.process.terminal = false
            | .process.args = ["/bin/sh", "/probe.sh"]
            | .linux.cgroupsPath = $cg' "$b/config.json" >"$b/config.tmp"
        mv "$b/config.tmp" "$b/config.json"
}

# Builds $work/bundle for a case: the base copied fresh, the case's jq filter on config.json,
# its probe-extra.sh in the rootfs, its prepare hook.
make_bundle() {
        local case=$1 b=$work/bundle
        rm -rf "$b"
        cp -a "$work/base" "$b"
        jq "$filter" "$b/config.json" >"$b/config.tmp" || return 1
        mv "$b/config.tmp" "$b/config.json"
        [ -n "$extra" ] && printf '%s\n' "$extra" >"$b/rootfs/probe-extra.sh"
        touch -d '2000-01-01' "$b/stamp"
        if declare -F prepare >/dev/null; then (cd "$b" && prepare) || return 1; fi
        return 0
}

# Runs the case under one runtime; leaves $work/out.<rt> with exit code, output and files.
run_case() {
        local rt=$1 id=$2 b=$work/bundle out=$work/out.$rt
        mkdir -p "$roots/$rt"
        # shellcheck disable=SC2086
        {
                timeout 30 "$rt_cmd" --root "$roots/$rt" run $run_flags --bundle "$b" "$id" \
                        </dev/null >"$work/stdout" 2>"$work/stderr.$rt"
                echo "== exit $?"
                awk -v bundle="$b" -f "$here/diff/normalize.awk" "$work/stdout" |
                        eval "${normalize:-cat}"
                echo "== files"
                (cd "$b/rootfs" && find . -path ./bin -prune -o -print | sort |
                        while read -r f; do stat -c '%n %F %a %u:%g' "$f"; done)
        } >"$out"
        run_rt "$rt" delete -f "$id" >/dev/null 2>&1
        return 0
}

make_base || { echo "FAIL: could not build the base bundle"; exit 1; }
pass=0
fail=0
failed=""
for file in "$here"/diff/cases/*.sh; do
        name=$(basename "$file" .sh)
        if [ -n "$want" ] && ! grep -qw -- "$name" <<<"$want"; then
                continue
        fi
        filter=. extra="" run_flags="" normalize=""
        unset -f prepare
        # shellcheck disable=SC1090
        . "$file"
        id="setup-diff-${name%%-*}"
        for rt in runc rtrun; do
                if [ "$rt" = runc ]; then rt_cmd=runc; else rt_cmd=$RTRUN; fi
                if ! make_bundle "$name"; then
                        echo "FAIL $name: bad case (bundle)"
                        exit 1
                fi
                run_case "$rt" "$id"
        done
        if diff -u "$work/out.runc" "$work/out.rtrun" >"$work/diff.$name"; then
                pass=$((pass + 1))
                echo "ok   $name ($(sed -n 's/^== exit //p' "$work/out.runc" | head -1))"
        else
                fail=$((fail + 1))
                failed="$failed $name"
                echo "FAIL $name"
                sed -n '1,60p' "$work/diff.$name"
                echo "rtrun stderr:"
                sed -n '1,5p' "$work/stderr.rtrun"; echo "runc stderr:"; sed -n '1,10p' "$work/stderr.runc"
        fi
done
echo "differential: $pass passed, $fail failed${failed:+:$failed}"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
