# A cgroup namespace: the hierarchies are fresh cgroup mounts rooted at the container's cgroup.
filter='.linux.namespaces += [{"type": "cgroup"}]'
extra='cat /proc/self/cgroup'
