# Default action LOG with an explicit architecture list and an unknown name.
# (Filter flags are refused by runc 1.1.5; rtrun's support is checked in t_setup_seccomp.sh.)
filter='.linux.seccomp = {"defaultAction": "SCMP_ACT_LOG",
  "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [{"names": ["getpid", "no_such_call"], "action": "SCMP_ACT_ALLOW"}]}'
