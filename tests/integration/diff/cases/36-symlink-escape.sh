# A mount destination through a symlink that points out of the rootfs (/evil -> /etc and
# ../../.. tricks) stays inside the rootfs.
prepare() {
        ln -s /etc rootfs/evil
        ln -s ../../../../../../../../tmp rootfs/up
}
filter='.root.readonly = false | .mounts += [
  {"destination": "/evil/mnt", "type": "tmpfs", "source": "tmpfs"},
  {"destination": "/up/mnt2", "type": "tmpfs", "source": "tmpfs"}]'
extra='ls -d /etc/mnt /tmp/mnt2'
