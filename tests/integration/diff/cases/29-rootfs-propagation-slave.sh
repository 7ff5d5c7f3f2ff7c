# linux.rootfsPropagation rslave with a readonly rootfs.
filter='.linux.rootfsPropagation = "rslave"'
