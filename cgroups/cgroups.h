/* Control groups behind one interface. The host layout (v1, v2 or hybrid) is detected once;
 * detection decides which driver serves each controller. The runtime never touches cgroup
 * files directly. */
#ifndef RTRUN_CGROUPS_H
#define RTRUN_CGROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/common.h"
#include "oci/oci.h"

enum cg_layout { CG_LAYOUT_V1, CG_LAYOUT_V2, CG_LAYOUT_HYBRID };

struct cg_host; /* what detection found: mounts, which driver serves which controller */
struct cgroup;  /* one container's cgroup (a directory per v1 controller, or one v2 dir) */

int cg_host_detect(struct cg_host **out, struct rterr *err);
void cg_host_free(struct cg_host *host);
enum cg_layout cg_host_layout(const struct cg_host *host);

/* Who creates and removes a container's cgroup: rtrun itself (cgroupfs), or systemd, which
 * makes a transient scope unit for it (`--systemd-cgroup`). */
enum cg_manager { CG_MANAGER_CGROUPFS, CG_MANAGER_SYSTEMD };

/* Creates the container's cgroup at linux.cgroupsPath. cgroupfs: a path (NULL: "/rtrun/<id>");
 * relative paths are taken under the caller's own cgroup, as runc does; a frozen one is
 * refused, one that already holds processes is used all the same (cg_found_tasks counts them),
 * as runc 1.1. systemd: "slice:prefix:name" (NULL: ":rtrun:<id>"), the scope
 * prefix-name.scope in the slice (system.slice when empty), whose cgroup systemd makes when
 * cg_create_finish hands it the container's init. */
int cg_create(const struct cg_host *host, enum cg_manager mgr, const char *cgroups_path,
              const char *id, struct cgroup **out, struct rterr *err);
/* cg_create in two steps, so that the slow part overlaps the container process's own set-up:
 * _begin makes only the unified directory (what clone3 CLONE_INTO_CGROUP needs; nothing under
 * systemd, where cg_clone_fd is then -1), _finish the v1 hierarchies and the default device
 * policy; under systemd it first starts the scope around pid (the container's init, waiting
 * outside the cgroup) with the resources of res (may be NULL) that systemd knows. A failed
 * _finish removes what it made; the caller then destroys and frees cg. */
int cg_create_begin(const struct cg_host *host, enum cg_manager mgr, const char *cgroups_path,
                    const char *id, struct cgroup **out, struct rterr *err);
int cg_create_finish(struct cgroup *cg, pid_t pid, const struct oci_resources *res,
                     struct rterr *err);
/* The path cg_create_begin gives the cgroup (what cg_path() will return), known before anything
 * is made: create records it first, so that a killed create's cgroup (or scope) can be found. */
int cg_path_for(enum cg_manager mgr, const char *cgroups_path, const char *id, char **out,
                struct rterr *err);
/* How many processes the directories made by create already held (the most in any one). */
size_t cg_found_tasks(const struct cgroup *cg);
/* Opens an existing container cgroup by the path cg_path() returned at create time. */
int cg_open(const struct cg_host *host, const char *path, struct cgroup **out, struct rterr *err);
/* Like cg_open, but directories that are gone are skipped instead of failing: what is left
 * of a cgroup that a killed create or delete made or removed in part. */
int cg_open_remains(const struct cg_host *host, const char *path, struct cgroup **out,
                    struct rterr *err);
/* SIGKILLs every process in any directory of cg (each v1 hierarchy and the unified one, their
 * sub-cgroups too), thaws it, and waits up to about 2 s until no directory lists a process:
 * a process a killed create left behind may be in some of them only. */
int cg_kill_remains(struct cgroup *cg, struct rterr *err);
/* The number of processes listed in any directory of cg and its sub-cgroups. */
int cg_count_remains(struct cgroup *cg, size_t *n, struct rterr *err);
/* The canonical path ("/rtrun/c1"; "systemd:/system.slice/rtrun-c1.scope" for a scope), to
 * store in the container's state: cg_open takes it back. */
const char *cg_path(const struct cgroup *cg);
void cg_free(struct cgroup *cg);

/* Scope cleanup (common/cleanup.h): `_cleanup_cgroup_ struct cgroup *cg = NULL;` frees (never
 * destroys) the cgroup, `_cleanup_cg_host_` the detection result. */
static inline void cg_freep(struct cgroup **cg)
{
        cg_free(*cg);
}
static inline void cg_host_freep(struct cg_host **h)
{
        cg_host_free(*h);
}
#define _cleanup_cgroup_ __attribute__((cleanup(cg_freep)))
#define _cleanup_cg_host_ __attribute__((cleanup(cg_host_freep)))

/* Writes every linux.resources field (also used by `update`); under systemd, tells systemd
 * the values it has a property for first, so that it never puts its own back. What the host
 * cannot enforce and is ignored goes to `warn`. */
int cg_apply(struct cgroup *cg, const struct oci_resources *res, const struct rtwarn *warn,
             struct rterr *err);
int cg_join(struct cgroup *cg, pid_t pid, struct rterr *err);
/* The fast way in, for a process being created (no global lock, no RCU grace period):
 * cg_clone_fd is the cgroup2 directory for clone3(CLONE_INTO_CGROUP), -1 when cg has no v2
 * part; cg_join_self then moves the calling single-threaded process into every v1 hierarchy
 * (writing 0 to `tasks`; by path when cg's directories were opened after a fork). Needs the
 * caller's credentials to write the cgroup files. */
int cg_clone_fd(const struct cgroup *cg);
int cg_join_self(struct cgroup *cg, struct rterr *err);
/* `exec --cgroup` (runc 1.1): *out is cg moved down into sub-cgroups, each spec
 * "[CONTROLLER[,CONTROLLER...]:]PATH". Without a controller PATH applies to every hierarchy (and
 * must be the only spec); with them (v1 names, name=X for a named hierarchy) to theirs, which a
 * pure v2 host has none of. PATH is relative to cg, may not leave it and must exist. *out
 * serves cg_clone_fd and cg_join_self. */
int cg_open_sub(const struct cgroup *cg, char *const *specs, size_t n, struct cgroup **out,
                struct rterr *err);
int cg_freeze(struct cgroup *cg, bool frozen, struct rterr *err);
int cg_is_frozen(struct cgroup *cg, bool *frozen, struct rterr *err);
int cg_kill_all(struct cgroup *cg, int sig, struct rterr *err);
int cg_pids(struct cgroup *cg, pid_t **pids, size_t *n, struct rterr *err);
/* runc's `events --stats` "data" object (cpu, memory, pids, blkio, hugetlb) as JSON. */
int cg_stats_json(struct cgroup *cg, char **json, struct rterr *err);
/* OOM notifications for `events`: poll cg_oom_fd() for cg_oom_poll_events(), then
 * cg_oom_check() says how many OOM kills happened since the previous check (v1: the
 * memory.oom_control eventfd; v2: the oom_kill count of memory.events). */
struct cg_oom;
int cg_oom_open(struct cgroup *cg, struct cg_oom **out, struct rterr *err);
int cg_oom_fd(const struct cg_oom *o);
/* True where the kernel gives no notification (v1 on PREEMPT_RT refuses cgroup.event_control):
 * cg_oom_fd() is then -1 and the caller calls cg_oom_check() every CG_OOM_POLL_MS. */
bool cg_oom_polled(const struct cg_oom *o);
#define CG_OOM_POLL_MS 100
short cg_oom_poll_events(const struct cg_oom *o);
int cg_oom_check(struct cg_oom *o, unsigned long long *count, struct rterr *err);
void cg_oom_free(struct cg_oom *o);
/* Removes the cgroup directories (waits briefly for tasks to leave); stops a systemd scope. */
int cg_destroy(struct cgroup *cg, struct rterr *err);

/* Removes the cgroup `path` (an absolute or relative cgroupsPath, as cg_create takes) in every
 * hierarchy where it is empty (rmdir); leaves it where it still holds tasks or children. */
void cg_remove_empty(const struct cg_host *host, const char *path);

/* Parses a size as runc's update flags take it: "64M", "1g", "512k", "1024" (binary units),
 * "-1" for unlimited. */
int cg_parse_size(const char *s, int64_t *out, struct rterr *err);

/* The directory of one controller for this cgroup ("cpuset", "cpu", ...), for rt/. On v2 every
 * controller returns the single unified directory. NULL when the host lacks the controller. */
const char *cg_controller_dir(const struct cgroup *cg, const char *controller);

#endif
