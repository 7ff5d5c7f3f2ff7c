# hostname and domainname in the container's uts namespace.
filter='.hostname = "diffbox" | .domainname = "example.org"'
# runc 1.1.5 ignores domainname (docs/differences-from-runc.md); t_setup_process.sh checks it.
normalize='sed "/^== hostname/{n;n;s/.*/(domainname not compared)/}"'
