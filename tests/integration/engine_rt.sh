# rtrun's own scenarios through an engine (sourced by t_engine_*.sh after the runc matrix): a
# SCHED_DEADLINE reservation granted, a second one refused with the admission reason printed by
# the engine, the same one elastic and compressed, the first released and the second restored,
# everything gone from the ledger at the end. runc has no admission control: these are checked
# against the model's numbers, not against runc.
#
# The engine test defines:
#   rt_start NAME CRITICALITY RUNTIME_NS [MIN_RUNTIME_NS]   detached `sleep 1000`, DEADLINE
#                      RUNTIME every 10 ms; 0 when it runs; the engine's stderr in $TMP/NAME.err
#   rt_remove NAME     removes it (forced)
#   rt_cpus            "1" when the engine pins the container to CPU 1, "" for the host's CPUs
#   rt_ledger_name NAME   the id or name the ledger knows NAME by
#   rt_shown_name NAME    what `admission status` must show for it in its CONTAINER column
# The ledger is the host's (/run/rtrun/admission): Podman does not pass its environment to the
# runtime, so a private RTRUN_ADMISSION_DIR would not reach it. The caller holds the host lock.

ledger_granted() { # granted runtime of the live entry whose name or id is NAME, or "none"
  [ -n "$1" ] || { echo none; return; }
  "$RTRUN" admission status --format json | jq -r --arg n "$1" \
    '[.containers[] | select(.alive and ((.name // "") == $n or (.id | startswith($n))))
      | .granted_runtime][0] // "none"'
}

# rtrun reads the fair servers' share from debugfs; without it (kernel >= 6.12) its capacity
# misses the 5 % the kernel keeps for them and a compressed grant fails in sched_setattr. The
# scenarios mount debugfs for their duration when it is absent (and unmount it afterwards).
ENGINE_DEBUGFS_MOUNTED=0
engine_rt_debugfs() {
  if [ -d /sys/kernel/debug ] && ! mountpoint -q /sys/kernel/debug &&
    mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null; then
    ENGINE_DEBUGFS_MOUNTED=1
  fi
}
engine_rt_undebugfs() {
  [ "$ENGINE_DEBUGFS_MOUNTED" = 1 ] && umount /sys/kernel/debug
  ENGINE_DEBUGFS_MOUNTED=0
}

engine_rt_scenarios() {
  local cap c p g why
  cap=$("$RTRUN" admission status --format json | jq .host.capacity)
  if ! awk -v c="$cap" 'BEGIN { exit !(c >= 0.75 && c < 1) }'; then
    echo "note - reservations through $ENGINE_NAME: host capacity $cap, the numbers need 0.75..1; not run"
    return 0
  fi
  # CPU 1 (EDF, capacity C): control 0.4; perception 0.6 does not fit (1.0 > C); elastic it
  #   gets C - 0.4; when control goes it gets its 0.6 back.
  # CPUs 0-1 (GFB: sum / C <= 2 - max / C): control 0.6; perception 0.7 does not fit
  #   (1.3 > 2C - 0.7); elastic it gets C - 0.3; when control goes it gets its 0.7 back.
  # Granted runtimes are whole microseconds of the 10 ms period.
  if [ "$(rt_cpus)" = 1 ]; then
    c=4000000 p=6000000
    g=$(awk -v c="$cap" 'BEGIN { printf "%d", int((c - 0.4) * 10000 + 1e-6) * 1000 }')
    why=$(awk -v c="$cap" 'BEGIN { printf "EDF: utilisation 1.000 > capacity %.3f on CPU 1", c }')
  else
    c=6000000 p=7000000
    g=$(awk -v c="$cap" 'BEGIN { printf "%d", int((c - 0.3) * 10000 + 1e-6) * 1000 }')
    why=$(awk -v c="$cap" 'BEGIN { printf "GFB: density %.3f > bound %.3f on CPUs 0-1", 1.3 / c, 2 - 0.7 / c }')
  fi
  if ! rt_start ctrl control $c; then
    fail "$ENGINE_NAME reservation granted: $(head -c 400 "$TMP/ctrl.err")"
    ENGINE_ROWS+=("$(printf '%-10s %-26s %-7s %s' "$ENGINE_NAME" reservation-granted FAIL "$(head -c 60 "$TMP/ctrl.err")")")
    rt_remove ctrl
    return 0
  fi
  g_ctrl() { ledger_granted "$(rt_ledger_name ctrl)"; }
  scenario_rtrun reservation-granted g_ctrl "$c"
  # The status table names the container as the engine did, and its columns stay aligned
  # (the PID column starts at character 26 whatever the id's length).
  s_shown() {
    "$RTRUN" admission status | awk -v n="$(rt_shown_name ctrl)" '
      $1 == n && NF >= 10 { print $1, (index($0, " " $2 " ") == 25 ? "aligned" : "misaligned") }'
  }
  scenario_rtrun status-shows-name s_shown "$(rt_shown_name ctrl) aligned"

  s_refused() {
    rt_start perc perception $p && echo "admitted (wrong)"
    # containerd appends the gRPC code (": unknown") to the runtime's message
    grep -o "rejected: [^\"]*" "$TMP/perc.err" | head -1 | sed -e 's/[[:space:]]*$//' -e 's/: unknown$//'
    rt_remove perc
    ledger_granted "$(rt_ledger_name perc)"
  }
  scenario_rtrun reservation-refused s_refused "rejected: $why
none"

  s_compressed() {
    rt_start perc perception $p 500000 || head -c 300 "$TMP/perc.err"
    ledger_granted "$(rt_ledger_name perc)"
  }
  scenario_rtrun reservation-compressed s_compressed "$g"

  s_released() {
    rt_remove ctrl
    ledger_granted "$(rt_ledger_name ctrl)"
    ledger_granted "$(rt_ledger_name perc)"
    rt_remove perc
    "$RTRUN" admission status --format json | jq '[.containers[] | select(.alive)] | length'
  }
  scenario_rtrun reservation-released s_released "none
$p
0"
}
engine_rt_debugfs
engine_rt_scenarios
engine_rt_undebugfs
