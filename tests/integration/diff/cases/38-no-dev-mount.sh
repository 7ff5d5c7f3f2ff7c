# No /dev mount: devices and links are made in the rootfs's own /dev directory.
filter='.mounts |= map(select(.destination | startswith("/dev") | not)) | .root.readonly = false'
