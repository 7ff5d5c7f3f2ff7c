# Propagation options on bind mounts.
filter='.mounts += [
  {"destination": "/p1", "type": "bind", "source": "hostdir", "options": ["rbind", "rshared"]},
  {"destination": "/p2", "type": "bind", "source": "hostdir", "options": ["rbind", "rslave"]},
  {"destination": "/p3", "type": "bind", "source": "hostdir", "options": ["rbind", "private"]},
  {"destination": "/p4", "type": "bind", "source": "hostdir", "options": ["bind", "unbindable"]}]'
