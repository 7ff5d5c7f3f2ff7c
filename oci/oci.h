/* The OCI runtime-spec (1.2, plus linux.netDevices from 1.3) as C data: parse and validate
 * config.json, process.json and LinuxResources; read and write state.json; the features
 * document and the default spec template. Pure: no syscalls besides reading the given buffer.
 *
 * Every string is malloc'd and owned by the struct; oci_spec_free() releases the lot.
 * Optional scalars use the oci_opt_* wrappers: `.set` says whether config.json had the field. */
#ifndef RTRUN_OCI_H
#define RTRUN_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

#define OCI_VERSION "1.2.0"

typedef struct {
        bool set;
        int64_t v;
} oci_opt_i64;
typedef struct {
        bool set;
        uint64_t v;
} oci_opt_u64;
typedef struct {
        bool set;
        bool v;
} oci_opt_bool;

struct oci_strv {
        char **v; /* NULL-terminated when n > 0 */
        size_t n;
};

struct oci_kv {
        char *key;
        char *value;
};

struct oci_kvs {
        struct oci_kv *v;
        size_t n;
};

/* ---- process ---- */

struct oci_user {
        uint32_t uid;
        uint32_t gid;
        oci_opt_u64 umask;
        uint32_t *additional_gids;
        size_t n_additional_gids;
        char *username;
};

/* Capability sets as bitmasks of CAP_* numbers (0..63); `set` false means "absent". */
struct oci_capabilities {
        bool set;
        uint64_t bounding, effective, inheritable, permitted, ambient;
};

struct oci_rlimit {
        int resource; /* RLIMIT_* number */
        char *type;   /* "RLIMIT_NOFILE", as written */
        uint64_t soft;
        uint64_t hard;
};

/* process.scheduler; policy/flags use the kernel's numbers (SCHED_*, SCHED_FLAG_*).
 * For SCHED_DEADLINE the parser completes the triple: period 0 means period = deadline (as
 * sched_setattr does), deadline 0 means deadline = period; stored values are the completed ones. */
struct oci_scheduler {
        bool set;
        int policy;
        int32_t nice;
        int32_t priority;
        uint64_t flags;
        bool reset_on_fork_explicit; /* flags array was given (then flags is exactly it) */
        uint64_t runtime, deadline, period;
};

struct oci_io_priority {
        bool set;
        int klass; /* IOPRIO_CLASS_RT 1, BE 2, IDLE 3 */
        int priority;
};

struct oci_exec_cpu_affinity {
        char *initial; /* CPU list, e.g. "0-3,7", or NULL */
        char *final;
};

struct oci_process {
        bool terminal;
        bool has_console_size;
        uint32_t console_height, console_width;
        struct oci_user user;
        struct oci_strv args;
        char *command_line; /* Windows only; kept for completeness */
        struct oci_strv env;
        char *cwd;
        struct oci_capabilities capabilities;
        struct oci_rlimit *rlimits;
        size_t n_rlimits;
        bool no_new_privileges;
        char *apparmor_profile;
        oci_opt_i64 oom_score_adj;
        char *selinux_label;
        struct oci_scheduler scheduler;
        struct oci_io_priority io_priority;
        struct oci_exec_cpu_affinity exec_cpu_affinity;
};

/* ---- root and mounts ---- */

struct oci_root {
        char *path;
        bool readonly;
};

/* A mount with its options already split into what mount(2) needs. */
struct oci_mount {
        char *destination;
        char *source;
        char *type;
        struct oci_strv options;   /* as written */
        unsigned long flags;       /* MS_* to set (MS_BIND, MS_RDONLY, MS_NOSUID, ...) */
        unsigned long clear_flags; /* MS_* explicitly cleared (e.g. "rw", "suid") */
        unsigned long propagation; /* MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE (+MS_REC) or 0 */
        bool recursive_bind;       /* "rbind" */
        bool tmpcopyup;            /* "tmpcopyup": fill a new tmpfs with what it covers */
        uint64_t rec_attr_set;     /* MOUNT_ATTR_* for mount_setattr(AT_RECURSIVE): "rro", ... */
        uint64_t rec_attr_clr;
        char *data; /* the rest, comma-joined, for the filesystem */
};

/* ---- hooks ---- */

struct oci_hook {
        char *path;
        struct oci_strv args;
        struct oci_strv env;
        oci_opt_i64 timeout; /* seconds, > 0 */
};

struct oci_hook_list {
        struct oci_hook *v;
        size_t n;
};

struct oci_hooks {
        struct oci_hook_list prestart, create_runtime, create_container, start_container, poststart,
            poststop;
};

/* ---- linux ---- */

struct oci_id_mapping {
        uint32_t container_id;
        uint32_t host_id;
        uint32_t size;
};

enum oci_ns_type {
        OCI_NS_PID,
        OCI_NS_NETWORK,
        OCI_NS_MOUNT,
        OCI_NS_IPC,
        OCI_NS_UTS,
        OCI_NS_USER,
        OCI_NS_CGROUP,
        OCI_NS_TIME,
        OCI_NS_COUNT
};

struct oci_namespace {
        enum oci_ns_type type;
        int clone_flag; /* CLONE_NEW* */
        char *path;     /* join this one instead of creating, or NULL */
};

struct oci_device {
        char type; /* 'c', 'b', 'u', 'p' */
        char *path;
        oci_opt_i64 major, minor; /* absent for a path-only entry (taken from the host node) */
        oci_opt_u64 file_mode;
        oci_opt_u64 uid, gid;
        /* Not in config.json: the host node a CDI deviceNode named by hostPath, which rtrun
         * binds when it cannot mknod (a user namespace). NULL: the host node is at path. */
        char *host_path;
};

/* linux.resources.devices[]: ordered allow/deny rules. */
struct oci_device_rule {
        bool allow;
        char type;      /* 'a', 'c', 'b' */
        int64_t major;  /* -1 = wildcard */
        int64_t minor;  /* -1 = wildcard */
        char access[4]; /* subset of "rwm", NUL-terminated; "rwm" when absent */
};

struct oci_memory {
        bool set;
        oci_opt_i64 limit, reservation, swap, kernel, kernel_tcp;
        oci_opt_u64 swappiness;
        oci_opt_bool disable_oom_killer, use_hierarchy, check_before_update;
};

struct oci_cpu {
        bool set;
        oci_opt_u64 shares;
        oci_opt_i64 quota;
        oci_opt_u64 burst;
        oci_opt_u64 period;
        oci_opt_i64 realtime_runtime;
        oci_opt_u64 realtime_period;
        char *cpus;
        char *mems;
        oci_opt_i64 idle;
};

struct oci_weight_device {
        int64_t major, minor;
        oci_opt_u64 weight, leaf_weight;
};

struct oci_throttle_device {
        int64_t major, minor;
        uint64_t rate;
};

struct oci_throttle_list {
        struct oci_throttle_device *v;
        size_t n;
};

struct oci_blkio {
        bool set;
        oci_opt_u64 weight, leaf_weight;
        struct oci_weight_device *weight_device;
        size_t n_weight_device;
        struct oci_throttle_list throttle_read_bps, throttle_write_bps, throttle_read_iops,
            throttle_write_iops;
};

struct oci_hugepage_limit {
        char *page_size; /* "2MB", "1GB" */
        uint64_t limit;
};

struct oci_net_priority {
        char *name;
        uint32_t priority;
};

struct oci_network_res {
        bool set;
        oci_opt_u64 class_id;
        struct oci_net_priority *priorities;
        size_t n_priorities;
};

struct oci_rdma {
        char *device;
        oci_opt_u64 hca_handles, hca_objects;
};

struct oci_resources {
        struct oci_device_rule *devices;
        size_t n_devices;
        struct oci_memory memory;
        struct oci_cpu cpu;
        struct oci_blkio blkio;
        struct oci_hugepage_limit *hugepage_limits;
        size_t n_hugepage_limits;
        struct oci_network_res network;
        oci_opt_i64 pids_limit;
        struct oci_rdma *rdma;
        size_t n_rdma;
        struct oci_kvs unified;
};

enum oci_seccomp_action {
        OCI_SCMP_KILL,
        OCI_SCMP_KILL_PROCESS,
        OCI_SCMP_KILL_THREAD,
        OCI_SCMP_TRAP,
        OCI_SCMP_ERRNO,
        OCI_SCMP_TRACE,
        OCI_SCMP_ALLOW,
        OCI_SCMP_LOG,
        OCI_SCMP_NOTIFY
};

enum oci_seccomp_op {
        OCI_SCMP_CMP_NE,
        OCI_SCMP_CMP_LT,
        OCI_SCMP_CMP_LE,
        OCI_SCMP_CMP_EQ,
        OCI_SCMP_CMP_GE,
        OCI_SCMP_CMP_GT,
        OCI_SCMP_CMP_MASKED_EQ
};

struct oci_seccomp_arg {
        uint32_t index;
        uint64_t value;
        uint64_t value_two;
        enum oci_seccomp_op op;
};

struct oci_seccomp_rule {
        struct oci_strv names;
        enum oci_seccomp_action action;
        oci_opt_u64 errno_ret;
        struct oci_seccomp_arg *args;
        size_t n_args;
};

struct oci_seccomp {
        bool set;
        enum oci_seccomp_action default_action;
        oci_opt_u64 default_errno_ret;
        struct oci_strv architectures; /* "SCMP_ARCH_X86_64", as written */
        struct oci_strv flags;         /* "SECCOMP_FILTER_FLAG_LOG", ... */
        char *listener_path;
        char *listener_metadata;
        struct oci_seccomp_rule *syscalls;
        size_t n_syscalls;
};

struct oci_personality {
        bool set;
        char *domain; /* "LINUX" or "LINUX32" */
        struct oci_strv flags;
};

struct oci_time_offset {
        bool set;
        int64_t secs;
        uint32_t nanosecs;
};

struct oci_net_device {
        char *host_name; /* the key of linux.netDevices */
        char *name;      /* name inside the container, or NULL to keep host_name */
};

struct oci_linux {
        struct oci_id_mapping *uid_mappings;
        size_t n_uid_mappings;
        struct oci_id_mapping *gid_mappings;
        size_t n_gid_mappings;
        struct oci_kvs sysctl;
        bool has_resources;
        struct oci_resources resources;
        char *cgroups_path;
        struct oci_namespace *namespaces;
        size_t n_namespaces;
        struct oci_device *devices;
        size_t n_devices;
        struct oci_seccomp seccomp;
        unsigned long rootfs_propagation; /* MS_* or 0 */
        struct oci_strv masked_paths;
        struct oci_strv readonly_paths;
        char *mount_label;
        struct oci_personality personality;
        struct oci_time_offset time_monotonic, time_boottime;
        struct oci_net_device *net_devices;
        size_t n_net_devices;
};

struct oci_spec {
        char *oci_version;
        bool has_process;
        struct oci_process process;
        struct oci_root root;
        char *hostname;
        char *domainname;
        struct oci_mount *mounts;
        size_t n_mounts;
        struct oci_hooks hooks;
        struct oci_kvs annotations;
        bool has_linux;
        struct oci_linux linux_;
};

/* Parses and validates config.json text. Errors name the JSON path and the reason, e.g.
 * "config.json: linux.resources.memory.limit: expected an integer, got string". */
int oci_spec_parse(const char *json, size_t len, struct oci_spec **out, struct rterr *err);
/* Reads BUNDLE/config.json and parses it. */
int oci_spec_load(const char *bundle, struct oci_spec **out, struct rterr *err);
void oci_spec_free(struct oci_spec *spec);
/* `_cleanup_spec_ struct oci_spec *s = NULL;` frees s when the scope ends (common/cleanup.h). */
static inline void oci_spec_freep(struct oci_spec **s)
{
        oci_spec_free(*s);
}
#define _cleanup_spec_ __attribute__((cleanup(oci_spec_freep)))

/* A process object alone (rtrun exec --process FILE). `what` names the source in errors. */
int oci_process_parse(const char *json, size_t len, const char *what, struct oci_process **out,
                      struct rterr *err);
void oci_process_free(struct oci_process *p);

/* A LinuxResources object alone (rtrun update --resources FILE). */
int oci_resources_parse(const char *json, size_t len, const char *what, struct oci_resources **out,
                        struct rterr *err);
void oci_resources_free(struct oci_resources *r);
/* `_cleanup_resources_ struct oci_resources *r = NULL;` (common/cleanup.h). */
static inline void oci_resources_freep(struct oci_resources **r)
{
        oci_resources_free(*r);
}
#define _cleanup_resources_ __attribute__((cleanup(oci_resources_freep)))

/* Appends a copy of key and value. */
int oci_kvs_add(struct oci_kvs *kvs, const char *key, const char *value, struct rterr *err);
void oci_kvs_clear(struct oci_kvs *kvs);
/* Writes "key": {"k": "v", ...} into g (kvs NULL: an empty object); the yajl status. */
int oci_kvs_gen(yajl_gen g, const char *key, const struct oci_kvs *kvs);

/* Looks up an annotation; NULL when absent. */
const char *oci_annotation(const struct oci_spec *spec, const char *key);
/* The namespace entry of a type, or NULL when the config does not ask for it. */
const struct oci_namespace *oci_namespace_get(const struct oci_spec *spec, enum oci_ns_type t);

/* Name tables shared with the runtime and the CLI. */
int oci_cap_from_name(const char *name);          /* "CAP_SYS_NICE" -> 23, -1 if unknown */
const char *oci_cap_name(int cap);                /* 23 -> "CAP_SYS_NICE", NULL if unknown */
int oci_signal_from_name(const char *name);       /* "KILL", "SIGKILL", "9" -> 9, -1 if unknown */
int oci_sched_policy_from_name(const char *name); /* "SCHED_DEADLINE" -> 6, -1 if unknown */
const char *oci_sched_policy_name(int policy);

/* ---- state.json ---- */

enum oci_status {
        OCI_STATUS_CREATING,
        OCI_STATUS_CREATED,
        OCI_STATUS_RUNNING,
        OCI_STATUS_PAUSED,
        OCI_STATUS_STOPPED
};
const char *oci_status_name(enum oci_status s);

/* What `rtrun state` prints (runtime-spec state plus runc's created/owner fields). */
struct oci_state {
        char *oci_version;
        char *id;
        enum oci_status status;
        int pid; /* 0 when stopped */
        char *bundle;
        char *rootfs;
        char *created; /* RFC3339 with nanoseconds */
        char *owner;
        struct oci_kvs annotations;
};

/* Writes the state object into g (`list --format json` writes one per container); the yajl
 * status. */
int oci_state_gen(yajl_gen g, const struct oci_state *st);
/* Serialises a state object (pretty=true for the CLI, false for hooks' stdin). */
int oci_state_to_json(const struct oci_state *st, bool pretty, char **out, size_t *len,
                      struct rterr *err);

/* ---- features and template ---- */

/* The runtime-spec features document for what rtrun implements. `extra_annotations` are
 * added under "annotations" (the rt/ and scheduler/ capabilities: org.rtrun.*). */
int oci_features_json(const struct oci_kvs *extra_annotations, char **out, size_t *len,
                      struct rterr *err);

/* The default config.json `rtrun spec` writes (runc's defaults: sh, terminal true, ...). As
 * runc, a cgroup namespace only with `cgroupns` (hosts with the unified hierarchy alone):
 * scripts that add one themselves must not find it twice. */
int oci_spec_template(bool terminal, bool cgroupns, char **out, size_t *len, struct rterr *err);
/* The same with `rootless` (runc's spec --rootless): a user namespace mapping container root
 * to uid/gid, no network namespace, no resources, /sys bound from the host, no gid=/uid=
 * mount options. */
struct oci_template_opts {
        bool terminal, rootless, cgroupns;
        unsigned uid, gid;
};
int oci_spec_template_opts(const struct oci_template_opts *o, char **out, size_t *len,
                           struct rterr *err);

#endif
