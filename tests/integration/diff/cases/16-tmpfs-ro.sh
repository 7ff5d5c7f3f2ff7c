# A read-only tmpfs; one that did not exist in the rootfs (runc creates its mount point).
filter='.mounts += [{"destination": "/ro", "type": "tmpfs", "source": "tmpfs", "options": ["ro"]},
  {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["ro", "mode=755"]}]'
extra='touch /ro/x; echo "ro rc=$?"; stat -c "%a" /tmp'
