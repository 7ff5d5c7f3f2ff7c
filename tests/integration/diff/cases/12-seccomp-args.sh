# Argument conditions: AND across indexes, OR for two conditions on one index, masked equality.
filter='.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
  {"names": ["fchmodat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
   "args": [{"index": 2, "value": 511, "op": "SCMP_CMP_EQ"},
            {"index": 2, "value": 384, "op": "SCMP_CMP_EQ"}]},
  {"names": ["fchownat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
   "args": [{"index": 2, "value": 42, "op": "SCMP_CMP_EQ"},
            {"index": 3, "value": 42, "op": "SCMP_CMP_EQ"}]},
  {"names": ["openat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 30,
   "args": [{"index": 2, "value": 64, "valueTwo": 64, "op": "SCMP_CMP_MASKED_EQ"},
            {"index": 1, "value": 0, "op": "SCMP_CMP_NE"}]}]}'
extra='echo x >/tmp/f; echo "create rc=$?"
cat /probe.sh >/dev/null; echo "read rc=$?"
for m in 777 600 644; do chmod $m /probe.sh; echo "chmod $m rc=$?"; done
chown 42:42 /probe.sh; echo "chown 42:42 rc=$?"
chown 42:43 /probe.sh; echo "chown 42:43 rc=$?"'
