# Raising a hard limit above the host's fails in both runtimes (no CAP_SYS_RESOURCE here).
filter='.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 2048, "hard": 1073741816}]'
