/* TEMPORARY: weak stand-ins for functions other folders' branches provide (oci, cgroups, rt,
 * setup), so rtrun links while they are written. Linked last: any real definition wins. Removed
 * once every branch is merged. */
#include <errno.h>
#include <stdlib.h>

#include "cgroups/cgroups.h"
#include "oci/oci.h"
#include "rt/rt.h"
#include "runtime/setup.h"

#define PENDING(what) rterr_set(err, ENOSYS, "%s: not implemented yet (branch %s)", __func__, what)
#define W __attribute__((weak))

W int oci_spec_parse(const char *json, size_t len, struct oci_spec **out, struct rterr *err)
{
        (void)json, (void)len, (void)out;
        return PENDING("oci");
}
W void oci_spec_free(struct oci_spec *spec)
{
        (void)spec;
}
W int oci_process_parse(const char *json, size_t len, const char *what, struct oci_process **out,
                        struct rterr *err)
{
        (void)json, (void)len, (void)what, (void)out;
        return PENDING("oci");
}
W void oci_process_free(struct oci_process *p)
{
        (void)p;
}
W const struct oci_namespace *oci_namespace_get(const struct oci_spec *spec, enum oci_ns_type t)
{
        (void)spec, (void)t;
        return NULL;
}
W int oci_signal_from_name(const char *name)
{
        return atoi(name);
}
W const char *oci_status_name(enum oci_status s)
{
        static const char *const n[] = {"creating", "created", "running", "paused", "stopped"};
        return n[s];
}
W int oci_state_to_json(const struct oci_state *st, bool pretty, char **out, size_t *len,
                        struct rterr *err)
{
        (void)st, (void)pretty, (void)out, (void)len;
        return PENDING("oci");
}
W int oci_features_json(const struct oci_kvs *extra, char **out, size_t *len, struct rterr *err)
{
        (void)extra, (void)out, (void)len;
        return PENDING("oci");
}
W int oci_spec_template(bool terminal, char **out, size_t *len, struct rterr *err)
{
        (void)terminal, (void)out, (void)len;
        return PENDING("oci");
}

static int dummy;
W int cg_host_detect(struct cg_host **out, struct rterr *err)
{
        (void)err;
        *out = (struct cg_host *)&dummy;
        return 0;
}
W void cg_host_free(struct cg_host *host)
{
        (void)host;
}
W int cg_create(const struct cg_host *host, const char *path, const char *id, struct cgroup **out,
                struct rterr *err)
{
        (void)host, (void)path, (void)id, (void)err;
        *out = (struct cgroup *)&dummy;
        return 0;
}
W int cg_open(const struct cg_host *host, const char *path, struct cgroup **out, struct rterr *err)
{
        (void)host, (void)path, (void)err;
        *out = (struct cgroup *)&dummy;
        return 0;
}
W const char *cg_path(const struct cgroup *cg)
{
        (void)cg;
        return "/pending";
}
W void cg_free(struct cgroup *cg)
{
        (void)cg;
}
W int cg_apply(struct cgroup *cg, const struct oci_resources *res, struct rterr *err)
{
        (void)cg, (void)res, (void)err;
        return 0;
}
W int cg_join(struct cgroup *cg, pid_t pid, struct rterr *err)
{
        (void)cg, (void)pid, (void)err;
        return 0;
}
W int cg_freeze(struct cgroup *cg, bool frozen, struct rterr *err)
{
        (void)cg, (void)frozen;
        return PENDING("cgroups");
}
W int cg_is_frozen(struct cgroup *cg, bool *frozen, struct rterr *err)
{
        (void)cg, (void)err;
        *frozen = false;
        return 0;
}
W int cg_kill_all(struct cgroup *cg, int sig, struct rterr *err)
{
        (void)cg, (void)sig, (void)err;
        return 0;
}
W int cg_pids(struct cgroup *cg, pid_t **pids, size_t *n, struct rterr *err)
{
        (void)cg, (void)err;
        *pids = NULL;
        *n = 0;
        return 0;
}
W int cg_destroy(struct cgroup *cg, struct rterr *err)
{
        (void)cg, (void)err;
        return 0;
}

W int rt_container_setup(const struct cg_host *host, struct cgroup *cg, const struct oci_spec *spec,
                         struct rterr *err)
{
        (void)host, (void)cg, (void)spec, (void)err;
        return 0;
}
W int rt_container_teardown(const struct cg_host *host, struct cgroup *cg, struct rterr *err)
{
        (void)host, (void)cg, (void)err;
        return 0;
}
W int rt_process_apply(const struct oci_scheduler *sched, struct rterr *err)
{
        (void)sched, (void)err;
        return 0;
}

W int rootfs_prepare(const struct oci_spec *spec, const struct rootfs_opts *o, struct rterr *err)
{
        (void)spec, (void)o;
        return PENDING("setup");
}
W int rootfs_pivot(const struct rootfs_opts *o, struct rterr *err)
{
        (void)o;
        return PENDING("setup");
}
W int rootfs_finalize(const struct oci_spec *spec, struct rterr *err)
{
        (void)spec;
        return PENDING("setup");
}
W int sysctl_apply(const struct oci_kvs *sysctl, struct rterr *err)
{
        (void)sysctl, (void)err;
        return 0;
}
W int rlimits_apply(const struct oci_process *p, struct rterr *err)
{
        (void)p, (void)err;
        return 0;
}
W int user_apply(const struct oci_process *p, bool has_userns, struct rterr *err)
{
        (void)p, (void)has_userns;
        return PENDING("setup");
}
W int caps_apply(const struct oci_process *p, struct rterr *err)
{
        (void)p, (void)err;
        return 0;
}
W int seccomp_apply(const struct oci_seccomp *s, int *notify_fd, struct rterr *err)
{
        (void)s, (void)err;
        *notify_fd = -1;
        return 0;
}
W int seccomp_send_listener(const struct oci_seccomp *s, int notify_fd, const char *state_json,
                            struct rterr *err)
{
        (void)s, (void)notify_fd, (void)state_json;
        return PENDING("setup");
}
