# Unknown syscall names are ignored; a trap rule is not hit by the probe.
filter='.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["not_a_syscall", "kexec_load"], "action": "SCMP_ACT_TRAP"},
               {"names": ["acct"], "action": "SCMP_ACT_ERRNO"}]}'
extra='acct /tmp/x 2>&1 | sed "s/^acct: //"'
