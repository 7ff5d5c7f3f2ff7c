# A read-only bind mount of a bundle directory (a relative source) and of a host file.
filter='.mounts += [{"destination": "/data", "type": "bind", "source": "hostdir",
  "options": ["rbind", "ro"]},
  {"destination": "/etc/hostfile", "type": "bind", "source": "hostfile", "options": ["bind", "ro"]}]'
extra='cat /data/file /etc/hostfile; touch /data/new; echo "rc=$?"'
