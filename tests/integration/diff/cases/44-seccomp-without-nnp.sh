# A seccomp filter with noNewPrivileges false and no CAP_SYS_ADMIN left for the process: the
# filter must be loaded while the runtime still has the capability.
filter='.process.noNewPrivileges = false
  | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
      "syscalls": [{"names": ["mkdirat", "mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
extra='mkdir /tmp/blocked; echo "mkdir rc=$?"'
