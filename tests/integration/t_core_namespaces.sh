#!/bin/bash
# Namespaces as the container sees them: lo up in a new network namespace, hostname and
# domainname, oomScoreAdj, user namespace id maps, time namespace offsets, the cgroup namespace,
# and namespaces joined by path (including a new pid namespace after joining a user namespace).
# Named cases (lib.sh): bash t_core_namespaces.sh --list; bash t_core_namespaces.sh NAME...
source "$(dirname "$0")/lib.sh"
lib_init namespaces

case_uts_net_oom() {
  B=$CASE_TMP/b
  make_bundle "$B" sh -c 'cat /sys/class/net/lo/flags; hostname; cat /proc/sys/kernel/domainname; cat /proc/self/oom_score_adj'
  bundle_set "$B" '.hostname = "core-host" | .domainname = "core.example" | .process.oomScoreAdj = 500'
  out=$(rt run -b "$B" core-n1 2>&1 | tr '\n' ' ')
  flags=$(cut -d' ' -f1 <<<"$out")
  check "lo is up in the new network namespace (IFF_UP)" 1 "$((flags & 1))"
  check "hostname, domainname, oomScoreAdj" "core-host core.example 500 " "$(cut -d' ' -f2- <<<"$out")"
}

case_cgroup_namespace() {
  B=$CASE_TMP/b
  make_bundle "$B" sh -c 'cat /proc/self/cgroup'
  out=$(rt run -b "$B" core-n2 2>&1)
  check "cgroup namespace: the container's cgroup is its root" "" "$(grep -v ':/$' <<<"$out" | grep -v 'name=systemd')"
}

# User namespace: container root is host uid 100000.
case_user_namespace() {
  chmod 755 "$TMP" "$CASE_TMP" # the user namespace's root (host uid 100000) must reach its rootfs
  U=$CASE_TMP/u
  make_bundle "$U" sleep 1000
  chown -R 100000:100000 "$U/rootfs"
  bundle_set "$U" '.linux.namespaces += [{"type": "user"}] |
    .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
    .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
    .mounts |= map(select(.type != "cgroup"))'
  if rt run -d -b "$U" --pid-file "$CASE_TMP/upid" core-u1 2>"$CASE_TMP/u.err"; then
    upid=$(cat "$CASE_TMP/upid")
    check "user namespace: uid_map" "0 100000 65536" "$(tr -s ' ' <"/proc/$upid/uid_map" | sed 's/^ //')"
    check "user namespace: the process runs as host uid 100000" 100000 "$(awk '/^Uid/ {print $2}' /proc/$upid/status)"
    check "user namespace: root inside" "0 0" "$(rt exec core-u1 sh -c 'echo $(id -u) $(id -g)')"
    check "user namespace: exec joins it" "$(readlink /proc/$upid/ns/user)" "$(rt exec core-u1 readlink /proc/self/ns/user)"
    # Join that user namespace by path and create new pid/mount/net ones: init is forked after
    # the setns, inside the new pid namespace.
    J=$CASE_TMP/j
    make_bundle "$J" sh -c 'echo $$; readlink /proc/self/ns/user; cat /proc/self/uid_map'
    chown -R 100000:100000 "$J/rootfs"
    bundle_set "$J" ".linux.namespaces += [{\"type\": \"user\", \"path\": \"/proc/$upid/ns/user\"}] |
      .mounts |= map(select(.type != \"cgroup\"))"
    out=$(rt run -b "$J" core-j1 2>&1 | tr -s ' \n' ' ')
    check "joined user namespace + new pid namespace: init is pid 1 in it, same user ns" \
      "1 $(readlink /proc/$upid/ns/user) 0 100000 65536 " "$out"
    rt delete -f core-u1
  else
    fail "user namespace container: $(cat "$CASE_TMP/u.err")"
  fi
}

# Time namespace with offsets.
case_time_namespace() {
  T=$CASE_TMP/t
  make_bundle "$T" cat /proc/uptime
  bundle_set "$T" '.linux.namespaces += [{"type": "time"}] |
    .linux.timeOffsets = {"boottime": {"secs": 864000, "nanosecs": 0}, "monotonic": {"secs": 864000, "nanosecs": 0}}'
  host_up=$(cut -d. -f1 /proc/uptime)
  out=$(rt run -b "$T" core-t1 2>&1)
  up=$(cut -d. -f1 <<<"$out")
  if [[ "$up" =~ ^[0-9]+$ ]] && [ "$up" -ge $((host_up + 864000)) ] && [ "$up" -lt $((host_up + 864000 + 3600)) ]; then
    pass "time namespace: boottime offset of 10 days ($up s vs host $host_up s)"
  else
    fail "time namespace: boottime offset: got '$out', host uptime $host_up"
  fi
  check "rtrun's own time namespace is untouched" "$(readlink /proc/self/ns/time)" "$(readlink /proc/self/ns/time_for_children)"
}

# Namespaces joined by path: a second container in the first one's net, uts and pid namespaces.
case_join_by_path() {
  A=$CASE_TMP/a
  make_bundle "$A" sleep 1000
  bundle_set "$A" '.hostname = "core-a"'
  rt run -d -b "$A" --pid-file "$CASE_TMP/apid" core-a >/dev/null
  apid=$(cat "$CASE_TMP/apid")
  C=$CASE_TMP/c
  make_bundle "$C" sh -c 'readlink /proc/self/ns/net; hostname; cat /proc/1/comm'
  bundle_set "$C" "del(.hostname) | .linux.namespaces |= map(select(.type != \"network\" and .type != \"uts\" and .type != \"pid\")) |
    .linux.namespaces += [{\"type\": \"network\", \"path\": \"/proc/$apid/ns/net\"},
                          {\"type\": \"uts\", \"path\": \"/proc/$apid/ns/uts\"},
                          {\"type\": \"pid\", \"path\": \"/proc/$apid/ns/pid\"}]"
  out=$(rt run -b "$C" core-c 2>&1 | tr '\n' ' ')
  check "joined net, uts and pid namespaces by path" "$(readlink /proc/$apid/ns/net) core-a sleep " "$out"
  check "rtrun's own pid namespace is untouched" "$(readlink /proc/self/ns/pid)" "$(readlink /proc/self/ns/pid_for_children)"
  rt delete -f core-a
}

lib_run_cases "$@"
