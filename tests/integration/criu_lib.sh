# Helpers for the t_criu_*.sh tests (source after rt_init): skip naming criu's own error where
# it cannot run (this host's 6.18 kernel fails its vDSO check), and a busybox counter whose
# values tell a restored process from a restarted one.

command -v criu >/dev/null || { echo "SKIP: criu is not installed (apt-get install criu)"; exit 77; }
# criu check fails at its start (kerndat) when it cannot work with this kernel at all; other
# errors it reports name optional features.
CRIU_BROKEN=
if ! out=$(criu check 2>&1) && grep -q "kernel features detection" <<<"$out"; then
  CRIU_BROKEN="criu $(criu --version | sed -n 's/Version: //p') cannot run on kernel $(uname -r): $(grep -m1 'Error' <<<"$out" | sed 's/^Error ([^)]*): //')"
fi
need_criu() { [ -z "$CRIU_BROKEN" ] || skip_case "$CRIU_BROKEN"; }
# The lane's busybox init makes no /dev/fd, which bash's >(...) needs.
if [ "${RTRUN_IN_VM:-}" = 1 ] && [ ! -e /dev/fd ]; then ln -s /proc/self/fd /dev/fd; fi
# criu's own words when a step failed: the Error lines of the log rtrun's message names.
criu_log_errors() { # FILE with rtrun's error
  local log
  log=$(sed -n 's/.*(log: \(.*\))$/\1/p' "$1" | tail -n 1)
  [ -n "$log" ] && [ -f "$log" ] && grep -E "Error|Warn" "$log" | tail -n 15 | sed 's/^/# criu: /'
  return 0
}
# A ledger of its own in the guest: the refusals must come from these containers only.
if [ "${RTRUN_IN_VM:-}" = 1 ]; then export RTRUN_ADMISSION_DIR=$TMP/ledger; fi

# The counter writes i to /tmp/count (in its rootfs) every 0.2 s and appends it to /tmp/log;
# its stdio is the container's own /dev/null, so criu needs nothing of the caller's.
COUNTER='exec </dev/null >/dev/null 2>&1; i=0; while true; do i=$((i+1)); echo $i >/tmp/count; echo $i >>/tmp/log; sleep 0.2; done'
counter_bundle() { # DIR
  rt_bundle "$1" sh -c "$COUNTER"
  bundle_set "$1" ".root.readonly = false"
}
count() { cat "$1/rootfs/tmp/count" 2>/dev/null || echo 0; }
wait_count() { # DIR N: until the count reaches N (60 s under emulation)
  local i
  for i in $(seq 1 600); do
    [ "$(count "$1")" -ge "$2" ] && return 0
    sleep 0.1
  done
  return 1
}
# The value the counter wrote next after line N of its log (the log survives the process).
next_count() { # DIR N
  local i
  for i in $(seq 1 600); do
    [ "$(wc -l <"$1/rootfs/tmp/log")" -gt "$2" ] && { sed -n "$(($2 + 1))p" "$1/rootfs/tmp/log"; return 0; }
    sleep 0.1
  done
  echo "none"
}
lines() { wc -l <"$1/rootfs/tmp/log"; }
exists() { rt state "$1" >/dev/null 2>&1 && echo present || echo absent; }
# A restored counter writes v+1 next; a restarted one would write 1.
in_range() { [ "$2" = $(($1 + 1)) ] && echo yes || echo "no ($2 after $1)"; }

