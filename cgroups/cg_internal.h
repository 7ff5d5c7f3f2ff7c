/* What the cgroup drivers share behind cgroups.h: the controller table, the host's mounts, a
 * container cgroup's directories, file helpers and the pure conversions (unit-tested). */
#ifndef RTRUN_CGROUPS_CG_INTERNAL_H
#define RTRUN_CGROUPS_CG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroups/cgroups.h"

enum cg_ctrl {
        CG_CPU,
        CG_CPUACCT,
        CG_CPUSET,
        CG_MEMORY,
        CG_DEVICES,
        CG_FREEZER,
        CG_BLKIO,
        CG_PIDS,
        CG_HUGETLB,
        CG_NET_CLS,
        CG_NET_PRIO,
        CG_RDMA,
        CG_MISC,
        CG_NCTRL
};

enum cg_driver { CG_DRV_NONE, CG_DRV_V1, CG_DRV_V2 };

/* The v1 name of a controller ("blkio") and the name cgroup v2 lists it under ("io"; NULL for
 * controllers v2 has none of, such as net_cls, and for the built-in devices/freezer). */
const char *cg_ctrl_name(enum cg_ctrl c);
const char *cg_ctrl_v2_name(enum cg_ctrl c);
int cg_ctrl_from_name(const char *name); /* -1 when unknown */

/* One cgroup filesystem mount of the host. */
struct cg_mount {
        char *path; /* mount point */
        char *root; /* root of the mount inside its hierarchy (field 4 of mountinfo) */
        char *own;  /* this process's cgroup in that hierarchy (/proc/self/cgroup), or NULL */
        char *name; /* "name=systemd" for a named v1 hierarchy without controllers, else NULL */
        bool v2;
};

struct cg_host {
        enum cg_layout layout;
        struct cg_mount *mounts;
        size_t n_mounts;
        int ctrl_mount[CG_NCTRL]; /* index into mounts, -1 when the host lacks it */
        enum cg_driver drv[CG_NCTRL];
        int v2_mount; /* the cgroup2 mount, -1 when none */
};

/* Detection in two pure steps (unit-tested with fixture texts): the cgroup mounts and this
 * process's cgroups, then the driver of each controller given the unified mount's
 * cgroup.controllers (NULL when there is none). */
int cg_host_parse(const char *mountinfo, const char *self_cgroup, struct cg_host **out,
                  struct rterr *err);
int cg_host_assign(struct cg_host *h, const char *v2_controllers, struct rterr *err);

/* One directory of a container cgroup: a v1 hierarchy's, or the unified one. */
struct cg_dir {
        char *path;
        int fd; /* O_DIRECTORY, for the *at calls */
        bool v2;
        int mount; /* index into the host's mounts */
};

struct cgroup {
        const struct cg_host *host;
        char *path;          /* as cg_path() returns it */
        struct cg_dir *dirs; /* one per mount in use, deduplicated */
        size_t n_dirs;
        int ctrl_dir[CG_NCTRL]; /* index into dirs, -1 when not served */
        int v2_dir;             /* index of the unified directory, -1 when none */
        /* systemd driver: the scope ("rtrun-c1.scope") and its slice; NULL for cgroupfs. */
        char *unit;
        char *slice;
        char *tagged; /* what cg_path() returns for a scope */
        char *description;
        bool unit_fresh; /* just started with the resources cg_apply is about to write */
};

/* How cg_path() marks a cgroup the systemd driver manages: "systemd:/system.slice/x.scope". */
#define CG_SD_PATH_TAG "systemd:"

/* The directories of a container cgroup at path, without touching the filesystem. */
int cg_resolve(const struct cg_host *host, const char *path, struct cgroup **out,
               struct rterr *err);

/* ---- files (cgfile.c) ---- */

/* Writes val to dir/file; the error names the full path, the value and the errno. */
int cg_write(const struct cg_dir *d, const char *file, const char *val, struct rterr *err);
int cg_writef(const struct cg_dir *d, const char *file, struct rterr *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int cg_read(const struct cg_dir *d, const char *file, char **out, struct rterr *err);
/* Reads one unsigned number ("max" reads as UINT64_MAX). */
int cg_read_u64(const struct cg_dir *d, const char *file, uint64_t *v, struct rterr *err);
bool cg_has_file(const struct cg_dir *d, const char *file);
/* The value of `key` in a flat-keyed file ("key value" lines); -1 when absent or bad. */
int cg_read_keyed(const struct cg_dir *d, const char *file, const char *key, uint64_t *v,
                  struct rterr *err);

/* The directory serving a controller, or NULL. */
const struct cg_dir *cg_dir_of(const struct cgroup *cg, enum cg_ctrl c);
/* The directory whose cgroup.procs lists the container's processes. */
const struct cg_dir *cg_main_dir(const struct cgroup *cg);

/* ---- drivers ---- */

int cg_v1_apply(struct cgroup *cg, const struct oci_resources *res, const struct rtwarn *warn,
                struct rterr *err);
int cg_v2_apply(struct cgroup *cg, const struct oci_resources *res, const struct rtwarn *warn,
                struct rterr *err);
/* v2: "+cpu +memory ..." into cgroup.subtree_control of every ancestor of dir below mnt. */
int cg_v2_enable_controllers(const struct cg_host *host, const char *mnt, const char *rel,
                             struct rterr *err);

/* ---- files v1 and v2 share (shared_files.c) ---- */

/* rdma.max lines. */
int cg_rdma_write(const struct cg_dir *d, const struct oci_resources *r, struct rterr *err);
/* hugetlb.<size>.<suffix> ("limit_in_bytes" on v1, "max" on v2); a NULL d writes nothing. */
int cg_hugetlb_write(const struct cg_dir *d, const struct oci_resources *r, const char *suffix,
                     struct rterr *err);
/* cpuset.cpus and cpuset.mems as given. */
int cg_cpuset_write(const struct cg_dir *d, const struct oci_cpu *c, struct rterr *err);
/* pids.max ("max" for -1); 0 means unset, as runc reads it. */
int cg_pids_write(const struct cg_dir *d, const oci_opt_i64 *limit, struct rterr *err);

int cg_devices_v1_apply(const struct cg_dir *d, const struct oci_device_rule *rules, size_t n,
                        struct rterr *err);
int cg_devices_ebpf_apply(const struct cg_dir *d, const struct oci_device_rule *rules, size_t n,
                          struct rterr *err);

int cg_freeze_dir(const struct cg_dir *d, bool frozen, struct rterr *err);
int cg_is_frozen_dir(const struct cg_dir *d, bool *frozen, struct rterr *err);

/* ---- pure parts (unit-tested) ---- */

/* The rules a container gets: deny all, the config's rules in order, then the devices every
 * runtime allows (null, zero, full, random, urandom, tty, ptmx, pts, tun, mknod of any). */
int cg_device_rules_effective(const struct oci_device_rule *rules, size_t n,
                              struct oci_device_rule **out, size_t *n_out, struct rterr *err);
/* "c 1:3 rwm", "a *:* rwm": the devices.allow/devices.deny line of a rule. */
void cg_device_rule_line(const struct oci_device_rule *r, char *buf, size_t len);

/* The lines devices.list shows after writing rules to a v1 cgroup; "a *:* rwm" alone when the
 * rules end in allow-all (the kernel then lists no exceptions). */
int cg_devices_v1_expected(const struct oci_device_rule *rules, size_t n, char ***lines,
                           size_t *n_lines, struct rterr *err);

struct bpf_insn;
/* Builds the BPF_PROG_TYPE_CGROUP_DEVICE program for rules evaluated as the kernel's v1
 * devices controller would (the last matching rule decides; no match denies). */
int cg_devices_bpf_build(const struct oci_device_rule *rules, size_t n, struct bpf_insn **out,
                         size_t *n_insns, struct rterr *err);

/* runc's cpu.shares -> cpu.weight: 1 + ((shares - 2) * 9999) / 262142 (0 when shares is 0). */
uint64_t cg_shares_to_weight(uint64_t shares);
/* blkio weight (10..1000) -> io.weight (1..10000): 1 + (weight - 10) * 9999 / 990. */
uint64_t cg_blkio_weight_to_io(uint64_t weight);
/* The memory.swap.max value for an OCI swap (memory+swap) and limit: "max", or swap - limit. */
int cg_swap_v2_value(int64_t swap, int64_t limit, bool limit_set, char *buf, size_t len,
                     struct rterr *err);
/* "max" for negative numbers (and unset), the number otherwise. */
void cg_limit_str(int64_t v, char *buf, size_t len);

/* ---- systemd driver (systemd_unit.c pure, systemd.c over sd-bus) ---- */

/* Where a "slice:prefix:name" cgroupsPath puts a container: slice "system.slice" when empty,
 * unit "prefix-name.scope" ("name.scope" without a prefix), path the cgroup below the
 * hierarchy's root ("/system.slice/rtrun-c1.scope"). NULL or "": ":rtrun:<id>". */
struct cg_sd_name {
        char *slice, *unit, *path;
};
int cg_sd_parse(const char *cgroups_path, const char *id, struct cg_sd_name *out,
                struct rterr *err);
void cg_sd_name_free(struct cg_sd_name *n);
/* "a-b.slice" -> "/a.slice/a-b.slice"; "-.slice" (the root slice) -> "". */
int cg_sd_expand_slice(const char *slice, char **out, struct rterr *err);
/* CPUQuotaPerSecUSec of a CFS quota and period (period 0: 100 ms): rounded up to systemd's
 * 10 ms steps; UINT64_MAX ("infinity") for a negative quota. */
uint64_t cg_sd_quota_per_sec(int64_t quota, uint64_t period);
/* AllowedCPUs / AllowedMemoryNodes: the list "0-2,5" as systemd's bitmap (bit i%8 of byte i/8). */
int cg_sd_cpu_bitmap(const char *list, uint8_t **out, size_t *n, struct rterr *err);

/* DevicePolicy and DeviceAllow for a rule list: every allow rule as systemd names devices
 * ("/dev/char/1:3", "char-pts" for a major's driver in /proc/devices, "char-*"); deny rules
 * dropped, and no policy at all (strict false) when some rule allows every device. systemd's
 * program then lets through a superset of what rtrun's own program (which decides) allows. */
struct cg_sd_device {
        char path[96];
        char access[4];
};
struct cg_sd_devices {
        bool strict;
        struct cg_sd_device *v;
        size_t n;
};
int cg_sd_devices(const struct oci_device_rule *rules, size_t n, const char *proc_devices,
                  struct cg_sd_devices *out, struct rterr *err);
void cg_sd_devices_free(struct cg_sd_devices *d);

/* StartTransientUnit of cg's scope holding pid, with the resources systemd knows; waits for
 * the job. */
int cg_sd_start(struct cgroup *cg, pid_t pid, const struct oci_resources *res, struct rterr *err);
/* SetUnitProperties (runtime) with the resources systemd knows, devices excepted. */
int cg_sd_set(struct cgroup *cg, const struct oci_resources *res, struct rterr *err);
/* StopUnit and ResetFailedUnit; a unit systemd no longer has is not an error. */
int cg_sd_stop(struct cgroup *cg, struct rterr *err);

/* Cleans a cgroupsPath: collapses slashes, drops a trailing one, rejects "..". */
int cg_path_clean(const char *in, char **out, struct rterr *err);

#endif
