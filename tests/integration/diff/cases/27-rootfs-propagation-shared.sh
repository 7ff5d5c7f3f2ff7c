# linux.rootfsPropagation shared.
filter='.linux.rootfsPropagation = "shared" | .root.readonly = false'
