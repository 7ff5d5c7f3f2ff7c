# kernel.domainname through sysctl in a uts namespace.
filter='.linux.sysctl = {"kernel.domainname": "sysctl.example"}'
