#!/bin/bash
# CVE-2019-5736: a container with CAP_SYS_PTRACE and CAP_SYS_ADMIN races `rtrun exec` (whose
# child enters its pid namespace) and `rtrun run` (of a container that joins its pid namespace)
# to open the runtime's /proc/PID/exe for writing (at once, and the classic way: an O_PATH
# handle reopened through /proc/self/fd once the runtime has exited). The runtime runs from a
# sealed memfd copy, so no handle the attacker gets is writable, and the binary on the host is
# never changed. All of it runs on a copy of rtrun, so nothing real can be damaged.
set -u
. "$(dirname "$0")/lib.sh"
lib_init cve5736
RACE=$HELPERS/exe_race
if [ ! -x "$RACE" ]; then
  echo "SKIP: $RACE is not built"
  exit 77
fi
mkdir -p "$TMP/bin"
COPY=$TMP/bin/rtrun-copy
cp "$RTRUN" "$COPY"
before=$(sha256sum <"$COPY")
rc() { "$COPY" --root "$ROOT" "$@"; }

make_bundle "$TMP/x" /exe_race 15 /report
cp "$RACE" "$TMP/x/rootfs/exe_race"
bundle_set "$TMP/x" '.process.capabilities |= with_entries(.value = ((.value // []) +
    ["CAP_SYS_PTRACE", "CAP_SYS_ADMIN"] | unique)) | del(.process.capabilities.ambient)
    | .root.readonly = false'
rc run -d --bundle "$TMP/x" cve-x >/dev/null 2>"$TMP/x.err" || {
  fail "run the attacker container: $(head -c 300 "$TMP/x.err")"
  lib_done
}
xpid=$(rc state cve-x | jq .pid)
check "attacker has CAP_SYS_PTRACE and CAP_SYS_ADMIN" "yes" \
  "$(capsh --decode="$(awk '/^CapEff/ { print $2 }' "/proc/$xpid/status")" 2>/dev/null |
    grep -q cap_sys_ptrace && capsh --decode="$(awk '/^CapEff/ { print $2 }' "/proc/$xpid/status")" |
    grep -q cap_sys_admin && echo yes || echo no)"

# a container that joins the attacker's pid namespace: its init is rtrun until it execs
make_bundle "$TMP/y" true
bundle_set "$TMP/y" "(.linux.namespaces[] | select(.type == \"pid\")) |= {type: \"pid\", path: \"/proc/$xpid/ns/pid\"}"

end=$((SECONDS + 12))
runs=0
execs=0
while [ "$SECONDS" -lt "$end" ] && [ -e "/proc/$xpid" ]; do
  rc exec cve-x true >/dev/null 2>&1 && execs=$((execs + 1))
  rc run --bundle "$TMP/y" "cve-y" >/dev/null 2>&1 && runs=$((runs + 1))
  rc delete -f cve-y >/dev/null 2>&1
done
echo "# $execs x rtrun exec, $runs x rtrun run raced"
wait_until 15 sh -c "grep -q '^summary' '$TMP/x/rootfs/report'"
report=$(cat "$TMP/x/rootfs/report" 2>/dev/null)
echo "# attacker: $(grep '^summary' <<<"$report")"
seen=$(grep -c '^seen' <<<"$report")
check "the attacker reached the runtime's /proc/PID/exe (the race was run)" 1 \
  "$([ "$seen" -gt 0 ] && echo 1 || echo 0)"
check "every handle to the runtime's image is the sealed memfd" "" \
  "$(grep '^seen' <<<"$report" | grep -v ' /memfd:rtrun' | head -3)"
check "no writable handle to a host file" "" \
  "$(grep '^write-open' <<<"$report" | grep -v ' /memfd:rtrun' | head -3)"
check "nothing written through any handle" "" "$(grep '^wrote' <<<"$report" | head -3)"
check "the runtime binary on the host is unchanged" "$before" "$(sha256sum <"$COPY")"
rc delete -f cve-x >/dev/null 2>&1
lib_done
