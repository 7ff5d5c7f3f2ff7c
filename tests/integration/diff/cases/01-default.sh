# runc's default spec unchanged: namespaces, default mounts, masked and read-only paths,
# capabilities, rlimits, noNewPrivileges, hostname.
