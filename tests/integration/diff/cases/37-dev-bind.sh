# /dev bind-mounted from the host: no default devices, links or ptmx are made.
filter='.mounts |= map(select(.destination | startswith("/dev") | not))
  | .mounts += [{"destination": "/dev", "type": "bind", "source": "/dev", "options": ["rbind", "nosuid"]}]'
normalize='sed -n "/^== mountinfo/,/^== env/!p"'
