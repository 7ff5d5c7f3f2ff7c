# A cwd that the runtime must create, and a custom environment.
filter='.process.cwd = "/work/dir" | .process.env = ["PATH=/bin", "FOO=bar baz", "EMPTY=", "HOME=/home/x"]'
