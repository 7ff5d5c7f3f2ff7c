# A network sysctl without a network namespace is refused.
filter='.linux.sysctl = {"net.ipv4.ip_forward": "1"}
  | .linux.namespaces |= map(select(.type != "network"))'
