# noNewPrivileges false.
filter='.process.noNewPrivileges = false'
