# No process.capabilities at all: every set is empty.
filter='del(.process.capabilities)'
