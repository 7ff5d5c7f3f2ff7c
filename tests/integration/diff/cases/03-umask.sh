# process.user.umask: files written by the probe carry it.
filter='.process.user.umask = 63'
extra='touch /tmp/umask-file; stat -c "%a" /tmp/umask-file'
