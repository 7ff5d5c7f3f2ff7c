# A kill rule hit by the shell itself: the container dies of SIGSYS.
filter='.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["uname"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
extra='uname -a; echo "not reached"'
