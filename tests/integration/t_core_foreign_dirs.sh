#!/bin/bash
# Directories under --root that are not containers (the admission ledger and rt state live in
# /run/rtrun, the default root) are neither listed nor deletable by ID; an empty directory
# left by a create that died is listed as creating and can be deleted.
# Named cases (lib.sh): bash t_core_foreign_dirs.sh --list; bash t_core_foreign_dirs.sh NAME...
source "$(dirname "$0")/lib.sh"
lib_init foreign

case_setup() {
  mkdir -p "$ROOT/admission" "$ROOT/deadcreate"
  echo '{"version":1,"entries":[]}' >"$ROOT/admission/ledger.json"
}

case_teardown() {
  rm -rf "$ROOT/admission" "$ROOT/deadcreate"
}

case_list_skips_foreign() {
  check "list shows only the dead create" deadcreate "$(rt list -q)"
}

case_foreign_not_deletable() {
  check_rc "delete of a foreign dir fails" 1 rt delete -f admission
  check_contains "delete says it does not exist" "$(cat "$TMP/last.err")" "container admission does not exist"
  check "the foreign dir is untouched" yes "$([ -f "$ROOT/admission/ledger.json" ] && echo yes)"
  check_rc "state of a foreign dir fails" 1 rt state admission
  check_contains "state says it does not exist" "$(cat "$TMP/last.err")" "does not exist"
}

case_dead_create_deletable() {
  check_rc "the dead create is deleted" 0 rt delete -f deadcreate
  check "its directory is gone" absent "$([ -e "$ROOT/deadcreate" ] && echo present || echo absent)"
}

lib_run_cases "$@"
