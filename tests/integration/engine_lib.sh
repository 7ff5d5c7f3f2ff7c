# Shared by the engine matrices (t_engine_podman.sh, t_engine_containerd.sh): an offline
# busybox image tree, and a scenario runner that runs every scenario once with runc (the
# reference) and once with rtrun and fails where their results differ.
#   engine_rootfs DIR       busybox-static rootfs with users, a seed file in /tmp, /data
#   scenario NAME FUNC      FUNC RUNTIME_PATH TAG prints the scenario's result; compared
#   scenario_table          the per-scenario table: engine, scenario, runc, rtrun, verdict

ENGINE_ROWS=()

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
