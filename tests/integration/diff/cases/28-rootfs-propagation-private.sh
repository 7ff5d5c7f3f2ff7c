# linux.rootfsPropagation rprivate.
filter='.linux.rootfsPropagation = "rprivate"'
