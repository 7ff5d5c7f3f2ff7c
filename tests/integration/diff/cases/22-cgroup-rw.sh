# The cgroup mount read-write.
filter='(.mounts[] | select(.type == "cgroup")).options = ["nosuid", "noexec", "nodev", "relatime", "rw"]'
