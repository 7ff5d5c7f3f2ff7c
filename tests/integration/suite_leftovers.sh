#!/bin/bash
# The suite must leave the host as it found it. Every test keeps its state under
# /run/rtrun-test-*, its cgroups under /rtrun-test-* and its files under /tmp/rtrun-test-*;
# none of them, no mount of them and no rt/ state (shield, root domains, RT budgets) may outlive
# the suite. tests/CMakeLists.txt runs this twice: `--before FILE` ahead of every integration
# test (what an earlier, interrupted run left is not this run's doing), `--after FILE` last.
set -u
[ $# = 2 ] && { [ "$1" = --before ] || [ "$1" = --after ]; } ||
  { echo "usage: suite_leftovers.sh --before|--after FILE" >&2; exit 2; }

found() {
  local d c m f
  for d in /run/rtrun-test-*/ /tmp/rtrun-test-*/; do
    [ -d "$d" ] && echo "directory $d"
  done
  find /sys/fs/cgroup -mindepth 1 -maxdepth 2 -type d -name 'rtrun-test*' 2>/dev/null |
    sed 's/^/cgroup /'
  awk '$5 ~ /rtrun-test/ {print "mount " $5}' /proc/self/mountinfo
  # rt/ keeps a record per change it made to the host (*.lock files are only locks).
  for f in /run/rtrun/rt/*; do
    [ -e "$f" ] || continue
    case $f in *.lock) ;; *) echo "rt state $f" ;; esac
  done
}

if [ "$1" = --before ]; then
  found | sort >"$2"
  [ -s "$2" ] && echo "note: left by an earlier run, not counted: $(tr '\n' ';' <"$2")"
  echo "ok: recorded the state before the suite"
  exit 0
fi
before=$2
[ -f "$before" ] || before=/dev/null
left=$(found | sort | comm -23 - "$before")
if [ -n "$left" ]; then
  echo "FAIL: the test suite left these behind:"
  sed 's/^/  /' <<<"$left"
  exit 1
fi
echo "ok: nothing left behind (state dirs, temp dirs, cgroups, mounts, rt state)"
