/* Checkpoint and restore with CRIU (Debian's criu, driven through its command line): the
 * options runc 1.1 takes, the dump of a running container and its restore, which is a create
 * whose process CRIU brings back instead of a clone (docs/checkpoint.md). */
#ifndef RTRUN_RUNTIME_CRIU_H
#define RTRUN_RUNTIME_CRIU_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroups/cgroups.h"
#include "common/common.h"
#include "oci/oci.h"
#include "runtime/context.h"
#include "runtime/container.h"

struct criu_opts {
        const char *image_path;  /* --image-path (default: ./checkpoint) */
        const char *work_path;   /* --work-path (default: the image path) */
        const char *parent_path; /* --parent-path, relative to the image path as criu takes it */
        bool leave_running, tcp_established, ext_unix_sk, shell_job, file_locks, pre_dump;
        bool auto_dedup, lazy_pages;
        const char *manage_cgroups_mode; /* soft|full|strict|ignore, NULL: criu's default */
        bool empty_net;                  /* --empty-ns network */
        int status_fd;                   /* --status-fd, -1 when not given */
};

/* The criu binary's version as "3.17" into buf; -1 when it is not installed or not runnable. */
int criu_version(char *buf, size_t len);

/* For `features`: org.rtrun.checkpoint.criu (criu's version, or "unavailable") and
 * org.rtrun.checkpoint.rtReadmission. */
int criu_features(struct oci_kvs *out, struct rterr *err);

/* `checkpoint`: dumps the running container c (pre-dump with o->pre_dump). Its
 * SCHED_DEADLINE tasks run SCHED_OTHER only for the dump and get their parameters back if they
 * keep running. Without --leave-running (and not a pre-dump) the container is destroyed
 * afterwards, as runc does; its reservation goes with it, never before. */
int container_checkpoint(const struct runtime_ctx *g, struct container *c,
                         const struct oci_spec *spec, const struct criu_opts *o, struct rterr *err);

/* What restore checks before it makes anything: criu runs (its version into version) and
 * o->image_path holds a checkpoint. */
int criu_restore_check(const struct criu_opts *o, char *version, size_t len, struct rterr *err);

/* Called by criu_restore_process with the pid of the helper that becomes criu, before criu
 * runs: the caller finishes the container's cgroup around it and moves it in. */
typedef int (*criu_cgroup_fn)(void *arg, pid_t helper, struct rterr *err);

/* Restore's process step (create.c calls it in place of the clone): runs `criu restore` from
 * o's images into the container's rootfs and cgroup, the restored init a child of the caller.
 * *pid is the restored init. The exec fifo goes: the container is running. */
int criu_restore_process(const struct runtime_ctx *g, const struct criu_opts *o,
                         const struct oci_spec *spec, const char *bundle, struct container *c,
                         struct cgroup *cg, criu_cgroup_fn cgroup_fn, void *arg, pid_t *pid,
                         struct rterr *err);

#endif
