#!/bin/bash
# Directories under --root that are not containers (the admission ledger and rt state live in
# /run/rtrun, the default root) are neither listed nor deletable by ID; an empty directory
# left by a create that died is listed as creating and can be deleted.
set -u
RTRUN=${RTRUN:?}
root=$(mktemp -d /run/rtrun-test-foreign.XXXXXX)
trap 'rm -rf "$root"' EXIT
fails=0
fail() { echo "FAIL - $*"; fails=$((fails + 1)); }
ok() { echo "ok   - $*"; }

mkdir "$root/admission" "$root/deadcreate"
echo '{"version":1,"entries":[]}' >"$root/admission/ledger.json"

ids=$("$RTRUN" --root "$root" list -q)
[ "$ids" = deadcreate ] && ok "list shows only the dead create" || fail "list -q: '$ids'"
out=$("$RTRUN" --root "$root" delete -f admission 2>&1) && fail "delete of a foreign dir succeeded"
[[ $out == *"container admission does not exist"* ]] && ok "delete says it does not exist" ||
        fail "delete message: $out"
[ -f "$root/admission/ledger.json" ] && ok "the foreign dir is untouched" || fail "ledger removed"
out=$("$RTRUN" --root "$root" state admission 2>&1) && fail "state of a foreign dir succeeded"
[[ $out == *"does not exist"* ]] && ok "state says it does not exist" || fail "state message: $out"
"$RTRUN" --root "$root" delete -f deadcreate && [ ! -e "$root/deadcreate" ] &&
        ok "the dead create is deleted" || fail "dead create not deleted"
echo "# foreign dirs: $fails failed"
exit $((fails > 0))
