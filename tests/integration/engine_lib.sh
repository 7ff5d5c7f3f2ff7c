# Shared by the engine matrices (t_engine_podman.sh, t_engine_containerd.sh): an offline
# busybox image tree, and a scenario runner that runs every scenario once with runc (the
# reference) and once with rtrun and fails where their results differ.
#   engine_init NAME TOOL... lib_init, skip without TOOLs, $ENGINE_NAME, $ENGINE_RUNC, cd $W
#   engine_release DIR...   unmount what is under $W, remove the test's (and DIRs') cgroups
#   engine_fixtures         $IMG's name; under $W what the scenarios bind and load
#   engine_rootfs DIR       busybox-static rootfs with users, a seed file in /tmp, /data
#   scenario NAME FUNC      FUNC RUNTIME_PATH TAG prints the scenario's result; compared
#   engine_common_scenarios the scenarios both engines run (each script defines their s_*)
#   scenario_table          the per-scenario table: engine, scenario, runc, rtrun, verdict

ENGINE_ROWS=()

engine_init() {
  local name=$1 tool
  shift
  lib_init "engine_$name"
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
  done
  ENGINE_NAME=$name
  ENGINE_RUNC=$(command -v runc)
  W=$TMP
  # conmon and the shims write into their working directory: keep that the test's.
  cd "$W" || exit 1
}

# Lazily unmounts whatever the engine left mounted under $W, then removes the empty cgroup
# trees of the test (rtrun-test-engine) and DIR... on every hierarchy (rmdir keeps a busy one).
engine_release() {
  local d n
  awk -v w="$W" 'index($5, w) == 1 {print $5}' /proc/self/mountinfo | sort -r |
    while read -r m; do umount -l "$m"; done
  for n in rtrun-test-engine "$@"; do
    for d in /sys/fs/cgroup/*/"$n"; do
      [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
    done
  done
  true
}

# The image's name (IMG); a host file and directory to bind; a seccomp profile that denies
# mkdir/mkdirat with EPERM and allows the rest.
engine_fixtures() {
  IMG=localhost/rtrun-bb:1
  printf 'host file\n' >"$W/hostfile"
  mkdir -p "$W/bind"
  echo bound >"$W/bind/f"
  cat >"$W/seccomp.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
EOF
}

engine_rootfs() {
  local r=$1
  mkdir -p "$r"/{bin,dev,etc,proc,sys,tmp,var/tmp,run,root,data,home/user}
  chmod 1777 "$r/tmp" "$r/var/tmp"
  cp "$(command -v busybox)" "$r/bin/busybox"
  chroot "$r" /bin/busybox --install -s /bin
  printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' \
    >"$r/etc/passwd"
  printf 'root:x:0:\nuser:x:1000:\nnobody:x:65534:\n' >"$r/etc/group"
  echo seed >"$r/tmp/seed"
  echo image-run >"$r/run/seed"
  chown 1000:1000 "$r/home/user"
}

# One line per result: exit codes and outputs, \r dropped (a tty), trailing blanks cut.
# Engines' warnings carry a time stamp; containers are named NAME-runc / NAME-rtrun.
engine_norm() {
  tr -d '\r\0' | grep -v "resize pty" | sed -e 's/[[:space:]]*$//' -e 's/time="[^"]*"/time=T/' -e 's/\^@//g' -e "s/-$1\b/-RT/g"
}

# scenario NAME FUNC: FUNC gets the runtime binary and a tag (runc|rtrun) to name containers.
scenario() {
  local name=$1 fn=$2 a b
  a=$("$fn" "$ENGINE_RUNC" runc 2>&1 | engine_norm runc)
  b=$("$fn" "$RTRUN" rtrun 2>&1 | engine_norm rtrun)
  local sa sb
  sa=$(printf '%s' "$a" | tr '\n' ';' | cut -c1-60)
  sb=$(printf '%s' "$b" | tr '\n' ';' | cut -c1-60)
  if [ "$a" == "$b" ] && [ -n "$a" ]; then
    pass "$ENGINE_NAME $name: rtrun agrees with runc ($sa)"
    ENGINE_ROWS+=("$(printf '%-10s %-26s %-7s %s' "$ENGINE_NAME" "$name" same "$sa")")
  else
    fail "$ENGINE_NAME $name: rtrun differs from runc"
    echo "       runc:  $(printf '%q' "$a")"
    echo "       rtrun: $(printf '%q' "$b")"
    ENGINE_ROWS+=("$(printf '%-10s %-26s %-7s runc=%s rtrun=%s' "$ENGINE_NAME" "$name" DIFFER "$sa" "$sb")")
  fi
}

# rtrun-only scenario (runc has no admission control): FUNC's output must equal EXPECTED.
scenario_rtrun() {
  local name=$1 fn=$2 expected=$3 b
  b=$("$fn" "$RTRUN" rtrun 2>&1 | engine_norm rtrun)
  local sb
  sb=$(printf '%s' "$b" | tr '\n' ';' | cut -c1-60)
  if [ "$b" == "$expected" ]; then
    pass "$ENGINE_NAME $name (rtrun only: $sb)"
    ENGINE_ROWS+=("$(printf '%-10s %-26s %-7s %s' "$ENGINE_NAME" "$name" rtrun "$sb")")
  else
    fail "$ENGINE_NAME $name (rtrun only)"
    echo "       expected: $(printf '%q' "$expected")"
    echo "       got:      $(printf '%q' "$b")"
    ENGINE_ROWS+=("$(printf '%-10s %-26s %-7s %s' "$ENGINE_NAME" "$name" FAIL "$sb")")
  fi
}

engine_common_scenarios() {
  scenario exit-code s_exit
  scenario env-user-cwd s_env_user_cwd
  scenario tty s_tty
  scenario read-only s_readonly
  scenario tmpfs s_tmpfs
  scenario caps s_caps
  scenario seccomp s_seccomp
  scenario rlimits s_rlimits
  scenario sysctl s_sysctl
  scenario binds s_binds
  scenario memory-limit s_memory
  scenario oom-137 s_oom
  scenario cpuset s_cpuset
  scenario cpu-quota s_cpuquota
  scenario pids-limit s_pids
}

scenario_table() {
  echo "# engine     scenario                   verdict result (runc = rtrun)"
  printf '# %s\n' "${ENGINE_ROWS[@]}"
}

# doc_cmd NAME: the command block docs/engines.md marks "(tested: NAME)", continuation lines
# joined, with the installed binary's path replaced by $RTRUN and IMAGE by $IMG.
doc_cmd() {
  awk -v tag="(tested: $1)" '
    index($0, tag) { found = 1; next }
    found && /^    / { sub(/^    /, ""); line = line $0; if (line ~ /\\$/) { sub(/\\$/, "", line) } else { print line; line = "" }; inblock = 1; next }
    found && inblock { exit }' "$RTRUN_SRC/docs/engines.md" |
    sed -e "s|/usr/local/bin/rtrun|$RTRUN|g" -e "s|\bIMAGE\b|$IMG|g"
}
