# hostname and domainname in the container's uts namespace.
filter='.hostname = "diffbox" | .domainname = "example.org"'
