# A non-root user with no capabilities: writing into the read-only rootfs and /tmp.
filter='.process.user = {"uid": 65534, "gid": 65534} | .process.capabilities = {}
  | .root.readonly = false'
