# No ipc namespace: an ipc sysctl is refused.
filter='.linux.namespaces |= map(select(.type != "ipc")) | .linux.sysctl = {"kernel.shmmax": "1000000"}'
