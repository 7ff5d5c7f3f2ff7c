# sysfs read-write and proc with options.
filter='(.mounts[] | select(.destination == "/sys")).options = ["nosuid", "noexec", "nodev", "rw"]
  | (.mounts[] | select(.destination == "/proc")).options = ["nosuid", "noexec", "nodev"]'
