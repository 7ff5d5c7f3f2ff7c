# Bind mounts with nosuid/nodev/noexec/noatime; a bind mount whose destination is new.
filter='.mounts += [{"destination": "/data", "type": "bind", "source": "hostdir",
  "options": ["bind", "nosuid", "nodev", "noexec", "noatime"]},
  {"destination": "/new/deep/dir", "type": "none", "source": "hostdir", "options": ["rbind", "rw"]}]'
extra='echo w >/new/deep/dir/w; echo "rc=$?"'
