# Every capability set distinct, a non-root user, ambient raised.
filter='.process.user = {"uid": 1000, "gid": 1000}
  | .process.capabilities = {
      "bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SYS_NICE", "CAP_SETUID"],
      "permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "effective": ["CAP_CHOWN"],
      "inheritable": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "ambient": ["CAP_NET_BIND_SERVICE"]}'
# CAP_SYS_NICE is in the bounding set: rtrun's real-time guard would add a seccomp filter that
# runc does not (a deliberate difference, checked against runc in t_setup_rtguard.sh); this case
# compares the rest.
filter="$filter"' | .annotations["org.rtrun.sched.guard"] = "false"'
