# readonlyPaths with a directory of the rootfs, a /proc path and a missing path.
filter='.linux.readonlyPaths = ["/proc/sys", "/etc", "/nonexistent", "/dev/shm"]'
extra='touch /etc/x; echo "etc rc=$?"; touch /dev/shm/x; echo "shm rc=$?"'
