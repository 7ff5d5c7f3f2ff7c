#!/bin/bash
# The process set-up read back from inside a busybox container: capabilities (all five sets),
# no_new_privs, seccomp (mode, errno rules, argument conditions, filter flags), user, groups,
# umask, rlimits, hostname, domainname, cwd and sysctls.
# Named cases (lib.sh): bash t_setup_process.sh --list; bash t_setup_process.sh NAME...
source "$(dirname "$0")/lib.sh"
lib_init setup-process

case_setup() {
  B=$CASE_TMP/b
  make_bundle "$B" sh
}
status_of_field() { grep "^$1:" <<<"$out" | cut -f2-; }
# What the seccomp cases and those after them run as: root, no capabilities list, writable root.
as_root_plain() {
  bundle_set "$B" '.process.user = {"uid": 0, "gid": 0} | del(.process.capabilities)
    | .process.noNewPrivileges = false | .root.readonly = false'
}

case_caps_user() {
  bundle_set "$B" '.process.args = ["sh", "-c", "cat /proc/self/status; id -G"]
    | .process.user = {"uid": 1000, "gid": 1001, "umask": 23, "additionalGids": [5, 6]}
    | .process.noNewPrivileges = true
    | .process.capabilities = {
        "bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SYS_NICE"],
        "permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
        "effective": ["CAP_CHOWN"],
        "inheritable": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
        "ambient": ["CAP_NET_BIND_SERVICE", "CAP_SYS_NICE"]}'
  out=$(rt run -b "$B" setup-p1 2>&1)
  # CHOWN=0 KILL=5 NET_BIND_SERVICE=10 SYS_NICE=23. After execve a non-root process keeps only
  # its ambient capabilities in the permitted and effective sets (capabilities(7)).
  check "CapBnd" 0000000000800421 "$(status_of_field CapBnd)"
  check "CapPrm (the ambient set after execve)" 0000000000000400 "$(status_of_field CapPrm)"
  check "CapEff (the ambient set after execve)" 0000000000000400 "$(status_of_field CapEff)"
  check "CapInh" 0000000000000420 "$(status_of_field CapInh)"
  check "CapAmb (only what is also permitted and inheritable)" 0000000000000400 \
    "$(status_of_field CapAmb)"
  check "NoNewPrivs" 1 "$(status_of_field NoNewPrivs)"
  check "Uid" "1000	1000	1000	1000" "$(status_of_field Uid)"
  check "Gid" "1001	1001	1001	1001" "$(status_of_field Gid)"
  check "Groups (additionalGids)" "5 6 " "$(status_of_field Groups)"
  check "Umask" 0027 "$(status_of_field Umask)"
  # No linux.seccomp, but CAP_SYS_NICE in the bounding set: the real-time guard's own filter
  # (docs/realtime.md; t_setup_rtguard.sh shows what it refuses, and runc's answer).
  check "Seccomp: only the real-time guard without a profile" 2 "$(status_of_field Seccomp)"
}

# seccomp: an errno rule, argument conditions, the default errno, filter flags
case_seccomp_rules() {
  as_root_plain
  bundle_set "$B" '.process.args = ["sh", "-c", "grep -E \"^(Seccomp|NoNewPrivs):\" /proc/self/status;
        mkdir /tmp/d; echo mkdir=$?; touch /tmp/f;
        chmod 600 /tmp/f; echo chmod600=$?; chmod 755 /tmp/f; echo chmod755=$?;
        sync; echo sync=$?"]
    | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
        "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
        "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
        "syscalls": [
          {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 122},
          {"names": ["fchmodat", "chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
           "args": [{"index": 1, "value": 384, "op": "SCMP_CMP_EQ"}]},
          {"names": ["sync"], "action": "SCMP_ACT_ERRNO"}]}'
  out=$(rt run -b "$B" setup-p2 2>&1)
  check "Seccomp mode 2 (filter)" 2 "$(status_of_field Seccomp)"
  check "noNewPrivileges false with a filter" 0 "$(status_of_field NoNewPrivs)"
  check_contains "mkdir gets errnoRet 122 (EDQUOT)" "$out" "Disk quota exceeded"
  check_contains "mkdir exit status" "$out" "mkdir=1"
  check_contains "chmod 600 matches the arg condition" "$out" "chmod600=1"
  check_contains "chmod 755 does not" "$out" "chmod755=0"
  # busybox sync ignores sync(2)'s result; the rule must at least not break the container.
  check_contains "the process ran to the end" "$out" "sync="
}

case_seccomp_kill_process() {
  as_root_plain
  bundle_set "$B" '.process.args = ["sh", "-c", "uname; echo after"]
    | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["uname"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
  rc=0
  out=$(rt run -b "$B" setup-p3 2>&1) || rc=$?
  check "SCMP_ACT_KILL_PROCESS: killed by SIGSYS (128+31)" 159 "$rc"
}

case_seccomp_unknown_flag() {
  as_root_plain
  bundle_set "$B" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
        "flags": ["SECCOMP_FILTER_FLAG_NOPE"]}'
  rc=0
  out=$(rt run -b "$B" setup-p4 2>&1) || rc=$?
  check "an unknown seccomp flag is refused" 1 "$rc"
  check_contains "the error names the field" "$out" "linux.seccomp.flags"
}

# rlimits, hostname, domainname, cwd, sysctls
limits_bundle() {
  as_root_plain
  bundle_set "$B" '.process.args = ["sh", "-c", "grep -E \"^Max (open files|core file size|processes)\" /proc/self/limits;
        hostname; cat /proc/sys/kernel/domainname; pwd;
        cat /proc/sys/net/ipv4/ip_default_ttl /proc/sys/kernel/shmmni"]
    | .process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 321, "hard": 654},
        {"type": "RLIMIT_CORE", "soft": 0, "hard": 1024},
        {"type": "RLIMIT_NPROC", "soft": 77, "hard": 88}]
    | .hostname = "setupbox" | .domainname = "setup.example"
    | .process.cwd = "/var/work"
    | .linux.sysctl = {"net.ipv4.ip_default_ttl": "42", "kernel.shmmni": "1234"}'
}

case_limits_names_sysctls() {
  limits_bundle
  out=$(rt run -b "$B" setup-p5 2>&1)
  check "RLIMIT_NOFILE" "321 654" "$(grep '^Max open files' <<<"$out" | awk '{print $4, $5}')"
  check "RLIMIT_CORE" "0 1024" "$(grep '^Max core file size' <<<"$out" | awk '{print $5, $6}')"
  check "RLIMIT_NPROC" "77 88" "$(grep '^Max processes' <<<"$out" | awk '{print $3, $4}')"
  check "hostname, domainname, cwd (created), sysctls" \
    "setupbox setup.example /var/work 42 1234" "$(tail -5 <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
  check "the host's ip_default_ttl is untouched" "$(cat /proc/sys/net/ipv4/ip_default_ttl)" \
    "$(nsenter -t 1 -n cat /proc/sys/net/ipv4/ip_default_ttl 2>/dev/null || cat /proc/sys/net/ipv4/ip_default_ttl)"
}

# sysctls the container's namespaces do not cover are refused before anything is made
case_sysctl_refused() {
  limits_bundle
  for case in 'kernel.pid_max|not namespaced' 'net.ipv4.ip_forward|network namespace'; do
    name=${case%%|*} why=${case#*|}
    bundle_set "$B" ".linux.sysctl = {\"$name\": \"1\"}
      | .linux.namespaces |= map(select(.type != \"network\"))"
    rc=0
    out=$(rt run -b "$B" setup-p6 2>&1) || rc=$?
    check "sysctl $name refused" 1 "$rc"
    check_contains "sysctl $name: the error says why" "$out" "linux.sysctl.$name: "
    check_contains "sysctl $name: the reason" "$out" "$why"
    check "sysctl $name: no state left" "" "$(rt list -q)"
  done
}

lib_run_cases "$@"
