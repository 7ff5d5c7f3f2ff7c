# A user namespace with uid/gid mappings: device nodes are bind-mounted from the host (mknod is
# not allowed there), bind mounts keep their locked flags, ids are mapped.
filter='.linux.namespaces += [{"type": "user"}]
  | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
  | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
  | .mounts += [{"destination": "/data", "type": "bind", "source": "hostdir", "options": ["rbind", "ro", "nosuid"]}]
  | .linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 384}]'
extra='cat /proc/self/uid_map /proc/self/gid_map; stat -c "%n %u:%g" /bin/busybox /data/file'
# The mqueue root is made by the kernel with the ipc namespace, owned by its creator: rtrun
# creates every namespace in one clone(2) (host root: unmapped), runc 1.1.5 the others after
# becoming uid 0 in the user namespace (docs/differences-from-runc.md).
normalize='sed "s|^/dev/mqueue directory 1777 0:65534 |/dev/mqueue directory 1777 0:0 |; s|^/dev/mqueue directory 1777 65534:65534 |/dev/mqueue directory 1777 0:0 |"'
