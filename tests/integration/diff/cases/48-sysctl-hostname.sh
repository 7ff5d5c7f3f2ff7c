# kernel.hostname through sysctl is refused (the hostname field is the way to set it).
filter='.linux.sysctl = {"kernel.hostname": "viasysctl"}'
