/* `checkpoint`: criu dump (or pre-dump) of a running container, with what CRIU cannot see for
 * itself named as external, its DEADLINE tasks parked as SCHED_OTHER for the dump. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroups/cgroups.h"
#include "common/common.h"
#include "rt/rt.h"
#include "runtime/criu.h"
#include "runtime/criu_run.h"
#include "runtime/launch.h"
#include "runtime/log.h"

static int dump_args(struct criu_argv *a, const struct container *c, const struct oci_spec *spec,
                     struct cgroup *cg, const struct criu_opts *o, struct rterr *err)
{
        criu_argv_add(a, "criu");
        criu_argv_add(a, o->pre_dump ? "pre-dump" : "dump");
        criu_argv_add(a, "--tree=%d", (int)c->pid);
        criu_argv_common(a, o, o->pre_dump ? "pre-dump.log" : "dump.log");
        /* The freezer stops every task of the container at once: the shortest frozen time. */
        const char *freezer = cg ? cg_controller_dir(cg, "freezer") : NULL;
        if (freezer)
                criu_argv_add(a, "--freeze-cgroup=%s", freezer);
        if (o->pre_dump || o->parent_path)
                criu_argv_add(a, "--track-mem");
        if (o->parent_path && o->parent_path[0])
                criu_argv_add(a, "--prev-images-dir=%s", o->parent_path);
        if (o->leave_running && !o->pre_dump)
                criu_argv_add(a, "--leave-running");
        if (o->auto_dedup)
                criu_argv_add(a, "--auto-dedup");
        if (o->empty_net)
                criu_argv_add(a, "--empty-ns=net");
        criu_argv_externals(a, spec, c->bundle, c->pid);
        if (criu_stdio_externals(a, c->pid, o->image_path, err) < 0)
                return -1;
        /* A network namespace the container joined (not made): restore gets one passed in. */
        const struct oci_namespace *net = oci_namespace_get(spec, OCI_NS_NETWORK);
        if (net && net->path && !o->empty_net) {
                struct stat sb;
                if (stat(net->path, &sb) < 0)
                        return rterr_errno(err, "linux.namespaces: network path %s", net->path);
                criu_argv_add(a, "--external=net[%llu]:extRootNetNS",
                              (unsigned long long)sb.st_ino);
        }
        return criu_argv_check(a, err);
}

static int dump(const struct runtime_ctx *g, const struct container *c, const struct oci_spec *spec,
                struct cgroup *cg, const struct criu_opts *o, struct rterr *err)
{
        struct criu_argv a = {0};
        int rc = dump_args(&a, c, spec, cg, o, err);
        if (rc == 0 && !o->pre_dump)
                rc = criu_stdio_save(c->pid, o->image_path, err);
        pid_t pid;
        if (rc == 0)
                rc = criu_spawn(&a, o->status_fd, -1, NULL, &pid, err);
        if (rc == 0)
                rc = criu_wait(pid, o, o->pre_dump ? "pre-dump.log" : "dump.log",
                               o->pre_dump ? "pre-dump" : "dump", err);
        if (rc == 0)
                log_msg(g, LOG_DEBUG, "container %s: %s into %s", c->id,
                        o->pre_dump ? "pre-dumped" : "dumped", o->image_path);
        criu_argv_free(&a);
        return rc;
}

int container_checkpoint(const struct runtime_ctx *g, struct container *c,
                         const struct oci_spec *spec, const struct criu_opts *o, struct rterr *err)
{
        if (c->status != OCI_STATUS_RUNNING && c->status != OCI_STATUS_PAUSED)
                return rterr_set(err, EINVAL, "container %s is not running (%s)", c->id,
                                 oci_status_name(c->status));
        if (spec->process.terminal && !o->shell_job)
                return rterr_set(err, EINVAL,
                                 "container %s has a terminal (process.terminal): checkpoint "
                                 "needs --shell-job",
                                 c->id);
        char version[32];
        if (criu_version(version, sizeof(version)) < 0)
                return rterr_set(err, ENOENT,
                                 "checkpoint: criu is not installed (apt-get install "
                                 "criu)");
        if (criu_dirs(o, err) < 0)
                return -1;
        _cleanup_cg_host_ struct cg_host *host = NULL;
        _cleanup_cgroup_ struct cgroup *cg = NULL;
        if (c->cgroup_path &&
            (cg_host_detect(&host, err) < 0 || cg_open(host, c->cgroup_path, &cg, err) < 0))
                return rterr_wrap(err, "checkpoint %s", c->id);
        /* CRIU 3.17 records only a task's policy number and FIFO/RR priority (cr-dump.c
         * dump_sched_info), never DEADLINE's runtime/deadline/period: the dump sees
         * SCHED_OTHER, and restore applies process.scheduler itself. */
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        pid_t init = c->pid;
        if (cg && cg_pids(cg, &pids, &n, err) < 0)
                return -1;
        struct rt_dl_park *park = NULL;
        if (rt_dl_park(pids ? pids : &init, pids ? n : 1, &park, err) < 0) {
                struct rterr ignore = {0};
                rt_dl_unpark(park, &ignore);
                rt_dl_park_free(park);
                return rterr_wrap(err, "checkpoint %s", c->id);
        }
        int rc = dump(g, c, spec, cg, o, err);
        bool still_running = rc < 0 || o->leave_running || o->pre_dump;
        if (still_running && rt_dl_park_count(park) > 0) {
                struct rterr uerr = {0};
                if (rt_dl_unpark(park, &uerr) < 0) {
                        if (rc == 0)
                                *err = uerr, rc = -1;
                        else
                                log_msg(g, LOG_WARN, "checkpoint %s: %s", c->id, uerr.msg);
                }
        }
        rt_dl_park_free(park);
        if (rc < 0 || still_running)
                return rc;
        /* As runc: a checkpoint without --leave-running ends the container (criu killed its
         * tasks); its cgroup, reservation and state go now. */
        return container_destroy(g, c, true, err);
}
