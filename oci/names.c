/* Name tables: capabilities, signals, scheduler policies and flags, namespaces, rlimits,
 * seccomp actions/operators/architectures, mount propagation. */
#include <errno.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>

#include "common/common.h"
#include "oci/internal.h"

int oci_name_lookup(const struct oci_name *table, const char *name, long *value)
{
        for (size_t i = 0; table[i].name; i++) {
                if (strcmp(table[i].name, name) == 0) {
                        *value = table[i].value;
                        return 0;
                }
        }
        return -1;
}

const char *oci_name_of(const struct oci_name *table, long value)
{
        for (size_t i = 0; table[i].name; i++)
                if (table[i].value == value)
                        return table[i].name;
        return NULL;
}

void *oci_calloc(struct jctx *c, const char *path, size_t n, size_t size)
{
        void *p = calloc(n ? n : 1, size);
        if (p == NULL)
                rterr_sys(c->err, ENOMEM, "%s: %s", c->src, path);
        return p;
}

/* Indexed by CAP_* number (linux/capability.h). */
static const char *const cap_names[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

_Static_assert(sizeof(cap_names) / sizeof(cap_names[0]) == CAP_LAST_CAP + 1,
               "capability table out of date with linux/capability.h");

int oci_cap_from_name(const char *name)
{
        for (int i = 0; i <= CAP_LAST_CAP; i++)
                if (strcmp(cap_names[i], name) == 0)
                        return i;
        return -1;
}

const char *oci_cap_name(int cap)
{
        if (cap < 0 || cap > CAP_LAST_CAP)
                return NULL;
        return cap_names[cap];
}

static const struct oci_name signal_names[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},     {"QUIT", SIGQUIT}, {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT},   {"IOT", SIGIOT},   {"BUS", SIGBUS},
    {"FPE", SIGFPE},       {"KILL", SIGKILL},   {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},     {"PIPE", SIGPIPE},   {"ALRM", SIGALRM}, {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},   {"CLD", SIGCHLD},  {"CONT", SIGCONT},
    {"STOP", SIGSTOP},     {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},
    {"URG", SIGURG},       {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM},
    {"PROF", SIGPROF},     {"WINCH", SIGWINCH}, {"IO", SIGIO},     {"POLL", SIGPOLL},
    {"PWR", SIGPWR},       {"SYS", SIGSYS},     {NULL, 0},
};

/* Parses a decimal in [0, max]; -1 when not one. */
static int small_number(const char *s, int max)
{
        if (*s == '\0' || strlen(s) > 3)
                return -1;
        int n = 0;
        for (; *s; s++) {
                if (*s < '0' || *s > '9')
                        return -1;
                n = n * 10 + (*s - '0');
        }
        return n <= max ? n : -1;
}

/* "RTMIN", "RTMIN+3", "RTMAX-2" (after the optional SIG prefix). */
static int rt_signal(const char *s)
{
        int base, sign;
        if (strncmp(s, "RTMIN", 5) == 0) {
                base = SIGRTMIN;
                sign = 1;
        } else if (strncmp(s, "RTMAX", 5) == 0) {
                base = SIGRTMAX;
                sign = -1;
        } else {
                return -1;
        }
        s += 5;
        if (*s == '\0')
                return base;
        if (*s != (sign > 0 ? '+' : '-'))
                return -1;
        int off = small_number(s + 1, SIGRTMAX - SIGRTMIN);
        if (off < 0)
                return -1;
        return base + sign * off;
}

int oci_signal_from_name(const char *name)
{
        if (name == NULL || *name == '\0')
                return -1;
        if (name[0] >= '0' && name[0] <= '9') {
                int n = small_number(name, SIGRTMAX);
                return n >= 1 ? n : -1;
        }
        const char *s = strncmp(name, "SIG", 3) == 0 ? name + 3 : name;
        long v;
        if (oci_name_lookup(signal_names, s, &v) == 0)
                return (int)v;
        return rt_signal(s);
}

int oci_sched_policy_from_name(const char *name)
{
        return sched_policy_from_name(name);
}

const char *oci_sched_policy_name(int policy)
{
        return sched_policy_name(policy);
}

const struct oci_name oci_sched_flag_names[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},     {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40}, {NULL, 0},
};

const struct oci_name oci_ioprio_class_names[] = {
    {"IOPRIO_CLASS_RT", 1},
    {"IOPRIO_CLASS_BE", 2},
    {"IOPRIO_CLASS_IDLE", 3},
    {NULL, 0},
};

const struct oci_name oci_namespace_names[] = {
    {"pid", OCI_NS_PID},       {"network", OCI_NS_NETWORK}, {"mount", OCI_NS_MOUNT},
    {"ipc", OCI_NS_IPC},       {"uts", OCI_NS_UTS},         {"user", OCI_NS_USER},
    {"cgroup", OCI_NS_CGROUP}, {"time", OCI_NS_TIME},       {NULL, 0},
};

const char *oci_ns_name(enum oci_ns_type t)
{
        return oci_name_of(oci_namespace_names, t);
}

int oci_ns_clone_flag(enum oci_ns_type t)
{
        static const int flags[OCI_NS_COUNT] = {
            [OCI_NS_PID] = CLONE_NEWPID,       [OCI_NS_NETWORK] = CLONE_NEWNET,
            [OCI_NS_MOUNT] = CLONE_NEWNS,      [OCI_NS_IPC] = CLONE_NEWIPC,
            [OCI_NS_UTS] = CLONE_NEWUTS,       [OCI_NS_USER] = CLONE_NEWUSER,
            [OCI_NS_CGROUP] = CLONE_NEWCGROUP, [OCI_NS_TIME] = CLONE_NEWTIME,
        };
        return (unsigned)t < OCI_NS_COUNT ? flags[t] : 0;
}

const struct oci_name oci_rlimit_names[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_STACK", RLIMIT_STACK},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {NULL, 0},
};

const struct oci_name oci_seccomp_action_names[] = {
    {"SCMP_ACT_KILL", OCI_SCMP_KILL},
    {"SCMP_ACT_KILL_PROCESS", OCI_SCMP_KILL_PROCESS},
    {"SCMP_ACT_KILL_THREAD", OCI_SCMP_KILL_THREAD},
    {"SCMP_ACT_TRAP", OCI_SCMP_TRAP},
    {"SCMP_ACT_ERRNO", OCI_SCMP_ERRNO},
    {"SCMP_ACT_TRACE", OCI_SCMP_TRACE},
    {"SCMP_ACT_ALLOW", OCI_SCMP_ALLOW},
    {"SCMP_ACT_LOG", OCI_SCMP_LOG},
    {"SCMP_ACT_NOTIFY", OCI_SCMP_NOTIFY},
    {NULL, 0},
};

const struct oci_name oci_seccomp_op_names[] = {
    {"SCMP_CMP_NE", OCI_SCMP_CMP_NE},
    {"SCMP_CMP_LT", OCI_SCMP_CMP_LT},
    {"SCMP_CMP_LE", OCI_SCMP_CMP_LE},
    {"SCMP_CMP_EQ", OCI_SCMP_CMP_EQ},
    {"SCMP_CMP_GE", OCI_SCMP_CMP_GE},
    {"SCMP_CMP_GT", OCI_SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", OCI_SCMP_CMP_MASKED_EQ},
    {NULL, 0},
};

/* The architectures runtime-spec lists for linux.seccomp.architectures. */
const struct oci_name oci_seccomp_arch_names[] = {
    {"SCMP_ARCH_X86", 0},         {"SCMP_ARCH_X86_64", 0},
    {"SCMP_ARCH_X32", 0},         {"SCMP_ARCH_ARM", 0},
    {"SCMP_ARCH_AARCH64", 0},     {"SCMP_ARCH_MIPS", 0},
    {"SCMP_ARCH_MIPS64", 0},      {"SCMP_ARCH_MIPS64N32", 0},
    {"SCMP_ARCH_MIPSEL", 0},      {"SCMP_ARCH_MIPSEL64", 0},
    {"SCMP_ARCH_MIPSEL64N32", 0}, {"SCMP_ARCH_PPC", 0},
    {"SCMP_ARCH_PPC64", 0},       {"SCMP_ARCH_PPC64LE", 0},
    {"SCMP_ARCH_S390", 0},        {"SCMP_ARCH_S390X", 0},
    {"SCMP_ARCH_PARISC", 0},      {"SCMP_ARCH_PARISC64", 0},
    {"SCMP_ARCH_RISCV64", 0},     {NULL, 0},
};

const struct oci_name oci_seccomp_flag_names[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", 0},
    {"SECCOMP_FILTER_FLAG_LOG", 0},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", 0},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 0},
    {NULL, 0},
};

const struct oci_name oci_propagation_names[] = {
    {"private", MS_PRIVATE},
    {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},
    {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},
    {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE},
    {"runbindable", MS_UNBINDABLE | MS_REC},
    {NULL, 0},
};

const struct oci_name oci_personality_domains[] = {
    {"LINUX", PER_LINUX},
    {"LINUX32", PER_LINUX32},
    {NULL, 0},
};

const char *oci_status_name(enum oci_status s)
{
        switch (s) {
        case OCI_STATUS_CREATING:
                return "creating";
        case OCI_STATUS_CREATED:
                return "created";
        case OCI_STATUS_RUNNING:
                return "running";
        case OCI_STATUS_PAUSED:
                return "paused";
        case OCI_STATUS_STOPPED:
                return "stopped";
        }
        return "unknown";
}
