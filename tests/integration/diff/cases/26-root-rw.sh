# root.readonly false: the probe can write into the rootfs.
filter='.root.readonly = false'
