# A seccomp errno rule: mkdir gets the configured errno, everything else is allowed.
filter='.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 122}]}'
extra='mkdir /tmp/blocked; echo "mkdir rc=$?"; [ -d /tmp/blocked ] && echo exists'
