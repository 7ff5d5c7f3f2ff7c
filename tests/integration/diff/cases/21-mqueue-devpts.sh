# devpts and mqueue with their own options.
filter='(.mounts[] | select(.destination == "/dev/pts")).options =
    ["nosuid", "noexec", "newinstance", "ptmxmode=0600", "mode=0600", "gid=5"]
  | (.mounts[] | select(.destination == "/dev/mqueue")).options = ["nosuid", "nodev", "noexec", "ro"]'
