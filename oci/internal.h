/* Internal interfaces between the oci/ parsers: one parser per part of config.json, the name
 * tables behind them, and the free functions. */
#ifndef RTRUN_OCI_INTERNAL_H
#define RTRUN_OCI_INTERNAL_H

#include "oci/json.h"

/* A name and its kernel (or enum) value; tables end with a NULL name. */
struct oci_name {
        const char *name;
        long value;
};

/* Looks `name` up in a table: 0 and *value on success, -1 when unknown. */
int oci_name_lookup(const struct oci_name *table, const char *name, long *value);
const char *oci_name_of(const struct oci_name *table, long value);

extern const struct oci_name oci_namespace_names[];    /* "pid" -> OCI_NS_PID */
extern const struct oci_name oci_rlimit_names[];       /* "RLIMIT_NOFILE" -> RLIMIT_NOFILE */
extern const struct oci_name oci_sched_flag_names[];   /* "SCHED_FLAG_RECLAIM" -> 0x02 */
extern const struct oci_name oci_ioprio_class_names[]; /* "IOPRIO_CLASS_RT" -> 1 */
extern const struct oci_name oci_seccomp_action_names[];
extern const struct oci_name oci_seccomp_op_names[];
extern const struct oci_name oci_seccomp_arch_names[];  /* value: unused (0) */
extern const struct oci_name oci_seccomp_flag_names[];  /* value: unused (0) */
extern const struct oci_name oci_propagation_names[];   /* "rslave" -> MS_SLAVE|MS_REC */
extern const struct oci_name oci_personality_domains[]; /* "LINUX", "LINUX32" */

/* CLONE_NEW* of a namespace type. */
int oci_ns_clone_flag(enum oci_ns_type t);
const char *oci_ns_name(enum oci_ns_type t);

/* Mount options: fills flags/clear_flags/propagation/recursive_bind/data of m from
 * m->options; `path` is "mounts[3]" for messages. */
int oci_mount_options(struct jctx *c, const char *path, struct oci_mount *m);

/* The i-th mount option name rtrun maps (flags, then propagation); NULL past the end. */
const char *oci_mount_option_name(size_t i);

/* A "0-3,5" list as the kernel's cpulist format accepts it (also mems). */
bool oci_cpulist_valid(const char *s);

/* The kernel's size limits (limits.c): each names the field and the limit in its error. */
int oci_check_length(struct jctx *c, const char *path, const char *s, size_t max, const char *why);
int oci_check_count(struct jctx *c, const char *path, size_t n, size_t max, const char *why);
int oci_check_uts_name(struct jctx *c, const char *path, const char *s);
int oci_check_path_length(struct jctx *c, const char *path, const char *s);
int oci_check_mount_data(struct jctx *c, const char *path, const char *data);
int oci_check_id_mappings(struct jctx *c, const char *path, size_t n);
int oci_check_groups(struct jctx *c, const char *path, size_t n);
/* args and env of one execve: each string within MAX_ARG_STRLEN, the lot within what execve
 * copies under the stack rlimit `stack` (NULL: the one rtrun runs with). */
int oci_check_exec(struct jctx *c, const char *path, const struct oci_strv *args,
                   const struct oci_strv *env, const struct oci_rlimit *stack);
/* Each of args and env within MAX_ARG_STRLEN, the lot within what execve copies, cwd within
 * PATH_MAX, additionalGids within NGROUPS_MAX. */
int oci_check_process_limits(struct jctx *c, const char *path, const struct oci_process *p);

/* Parsers: v is the JSON value at `path`; out is zeroed by the caller. */
int oci_parse_process(struct jctx *c, yajl_val v, const char *path, struct oci_process *out);
int oci_parse_scheduler(struct jctx *c, yajl_val v, const char *path, struct oci_scheduler *out);
int oci_parse_io_priority(struct jctx *c, yajl_val v, const char *path,
                          struct oci_io_priority *out);
int oci_parse_resources(struct jctx *c, yajl_val v, const char *path, struct oci_resources *out);
int oci_parse_blkio(struct jctx *c, yajl_val v, const char *path, struct oci_blkio *out);
/* hugepageLimits, network, rdma, unified. */
int oci_parse_resources_more(struct jctx *c, yajl_val v, const char *path, struct oci_resources *r);
int oci_parse_linux(struct jctx *c, yajl_val v, const char *path, struct oci_linux *out);
int oci_parse_seccomp(struct jctx *c, yajl_val v, const char *path, struct oci_seccomp *out);
int oci_parse_mounts(struct jctx *c, yajl_val v, const char *path, struct oci_mount **out,
                     size_t *n);
int oci_parse_hooks(struct jctx *c, yajl_val v, const char *path, struct oci_hooks *out);
/* Fills process.scheduler from the org.rtrun.scheduler annotation when the config has none. */
int oci_scheduler_from_annotation(struct jctx *c, struct oci_spec *s);

/* Release the contents, not the struct itself. */
void oci_process_clear(struct oci_process *p);
void oci_resources_clear(struct oci_resources *r);
void oci_linux_clear(struct oci_linux *l);
void oci_seccomp_clear(struct oci_seccomp *s);
void oci_mounts_clear(struct oci_mount *m, size_t n);
void oci_hooks_clear(struct oci_hooks *h);

/* calloc that reports ENOMEM against the path. */
void *oci_calloc(struct jctx *c, const char *path, size_t n, size_t size);

/* Parses the JSON array v at `path` into a calloc'd array: parse(c, element, "path[i]",
 * &arr[i]) for each element. n counts the elements handed to parse, so the clear functions
 * release a partly filled array after an error. An empty array leaves arr NULL. 0 or -1. */
#define J_ARRAY_OF(c, v, path, arr, n, parse)                                                      \
        ({                                                                                         \
                int rc_ = j_array((c), (path), (v));                                               \
                if (rc_ == 0 && (v)->u.array.len > 0) {                                            \
                        (arr) = oci_calloc((c), (path), (v)->u.array.len, sizeof(*(arr)));         \
                        rc_ = (arr) == NULL ? -1 : 0;                                              \
                        for (size_t i_ = 0; rc_ == 0 && i_ < (v)->u.array.len; i_++) {             \
                                char q_[JPATH_MAX];                                                \
                                jpath_idx(q_, (path), i_);                                         \
                                (n) = i_ + 1;                                                      \
                                rc_ = parse((c), (v)->u.array.values[i_], q_, &(arr)[i_]);         \
                        }                                                                          \
                }                                                                                  \
                rc_;                                                                               \
        })

#endif
