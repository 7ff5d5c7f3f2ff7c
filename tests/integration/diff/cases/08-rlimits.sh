# Several rlimits lowered (raising a hard limit needs CAP_SYS_RESOURCE, which this host lacks).
filter='.process.rlimits = [
  {"type": "RLIMIT_NOFILE", "soft": 512, "hard": 768},
  {"type": "RLIMIT_NPROC", "soft": 1000, "hard": 2000},
  {"type": "RLIMIT_CORE", "soft": 0, "hard": 4096},
  {"type": "RLIMIT_STACK", "soft": 4194304, "hard": 8388608},
  {"type": "RLIMIT_MEMLOCK", "soft": 65536, "hard": 65536}]'
