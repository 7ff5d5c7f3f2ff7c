# proc onto an existing file is refused (its destination must be a directory).
filter='.mounts += [{"destination": "/probe.sh", "type": "proc", "source": "proc"}]'
