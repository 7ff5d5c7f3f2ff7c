# Network sysctls in the container's own network namespace, and an ipc one.
filter='.linux.sysctl = {"net.ipv4.ip_forward": "1", "net.ipv4.ip_default_ttl": "33",
  "kernel.shmmni": "1000", "kernel.msgmax": "4096"}'
extra='cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/ip_default_ttl /proc/sys/kernel/shmmni /proc/sys/kernel/msgmax'
