# A tmpfs with size, mode, uid and the noexec/nosuid/nodev flags.
filter='.mounts += [{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs",
  "options": ["nosuid", "nodev", "noexec", "size=2m", "mode=1700", "uid=1000", "gid=1000"]}]'
extra='stat -c "%a %u:%g" /scratch'
