#!/bin/bash
# The folder layout as a check (docs/architecture.md, "Layout"): every library folder has one
# public header named for it (common/common.h, runtime/runtime.h, ...); a file outside a folder
# includes that header and no other of the folder's; and folders depend one way only:
#   cli -> runtime -> {rt -> cgroups, scheduler, devices} -> oci -> common
# Allowed exceptions: the white-box unit tests (tests/unit/test_*.c) may include any folder's
# internal headers, to test what the public header does not show.
#
#   scripts/check-layout.sh [SRC]        prints each violation; exit 1 when there is one
#   scripts/check-layout.sh --fix [SRC]  first rewrites the mechanical cases: common/'s and
#                                        runtime/'s parts included from outside become
#                                        common/common.h and runtime/runtime.h
set -u

fix=false
if [ "${1:-}" = --fix ]; then
        fix=true
        shift
fi
src=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$src" || exit 2

# What each library folder may include from the others (their public headers only).
declare -A deps=(
        [common]=""
        [oci]="common"
        [cgroups]="oci common"
        [scheduler]="oci common"
        [devices]="oci common"
        [rt]="cgroups oci common"
        [runtime]="rt scheduler devices cgroups oci common"
        [cli]="runtime rt scheduler devices cgroups oci common"
)
# runtime/'s parts that runtime/runtime.h makes public (--fix maps them to it).
runtime_public="context log container state_dir launch exec forward admission selfclone criu"

whitebox() {
        case $1 in
        tests/unit/test_*.c) return 0 ;;
        esac
        return 1
}

sources() {
        find . -path ./build -prune -o -path './build-*' -prune -o -path ./.git -prune -o \
                -type f \( -name '*.c' -o -name '*.h' \) -print | sed 's|^\./||' | sort
}

fix_file() { # collapses the includes of common/'s and runtime/'s parts into the public header
        local f=$1 top=${1%%/*} rt_re
        rt_re=$(echo "$runtime_public" | tr ' ' '|')
        local tmp
        tmp=$(mktemp)
        awk -v top="$top" -v rt_re="^#include \"runtime/($rt_re)\\\\.h\"" '
                top != "common" && /^#include "common\/[a-z_]+\.h"/ {
                        if (!c++) print "#include \"common/common.h\""
                        next
                }
                top != "runtime" && $0 ~ rt_re {
                        if (!r++) print "#include \"runtime/runtime.h\""
                        next
                }
                { print }' "$f" >"$tmp"
        if ! cmp -s "$f" "$tmp"; then
                cat "$tmp" >"$f"
                echo "fixed: $f"
        fi
        rm -f "$tmp"
}

bad=0
while read -r f; do
        top=${f%%/*}
        [ "$top" = "$f" ] && top=.
        $fix && ! whitebox "$f" && fix_file "$f"
        while IFS=: read -r line inc; do
                dir=${inc%%/*}
                name=${inc#*/}
                [ -n "${deps[$dir]+x}" ] || continue # not a library folder (tests/helpers, ...)
                [ "$dir" = "$top" ] && continue
                if [ -n "${deps[$top]+x}" ] && [[ " ${deps[$top]} " != *" $dir "* ]]; then
                        echo "$f:$line: $top/ may not depend on $dir/ (includes $inc)"
                        bad=1
                        continue
                fi
                [ "$name" = "$dir.h" ] && continue
                whitebox "$f" && continue
                echo "$f:$line: includes $inc, internal to $dir/: include $dir/$dir.h"
                bad=1
        done < <(grep -noE '^#include "[a-z_]+/[a-z_0-9]+\.h"' "$f" |
                sed -E 's/^([0-9]+):#include "(.*)"/\1:\2/')
done < <(sources)

if [ $bad = 0 ]; then
        echo "layout: every folder is reached through its public header only"
fi
exit $bad
