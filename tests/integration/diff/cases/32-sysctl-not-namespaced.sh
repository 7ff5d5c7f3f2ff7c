# A sysctl that is not namespaced is refused.
filter='.linux.sysctl = {"kernel.pid_max": "32768"}'
