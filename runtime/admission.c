/* Admission control in the lifecycle (runtime/admission.h). */
#include "runtime/admission.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include "rt/rt.h"
#include "runtime/log.h"
#include "scheduler/scheduler.h"

static int resize(const struct sched_entry *e, uint64_t runtime, void *ctx, struct rterr *err)
{
        const struct runtime_ctx *g = ctx;
        log_msg(g, LOG_INFO, "admission: %s runtime %llu -> %llu ns", e->task.id,
                (unsigned long long)e->task.granted, (unsigned long long)runtime);
        return rt_deadline_set_runtime(e->pid, runtime, err);
}

static bool real_time(const struct oci_spec *spec)
{
        int policy = spec->process.scheduler.set ? spec->process.scheduler.policy : SCHED_OTHER;
        return policy == SCHED_DEADLINE || policy == SCHED_FIFO || policy == SCHED_RR;
}

int admission_reserve(const struct runtime_ctx *g, const char *id, struct oci_spec *spec,
                      bool *reserved, struct rterr *err)
{
        struct sched_host h;
        struct sched_task t;
        struct rtwarn warn = log_warn_sink(g);
        uint64_t granted;
        *reserved = false;
        if (!real_time(spec))
                return 0; /* nothing to analyse: no kernel or ledger work for ordinary ones */
        if (strlen(id) >= sizeof(t.id))
                return rterr_set(err, ENAMETOOLONG, "admission: container id too long");
        if (sched_host_read(&h, err) < 0 || sched_task_from_spec(spec, id, &h, &t, err) < 0)
                return rterr_wrap(err, "admission");
        if (t.kind == SCHED_KIND_NONE)
                return 0;
        int r = sched_admission_reserve(&t, &h, g->root, getpid(), resize, (void *)g, &granted,
                                        &warn, err);
        if (r < 0)
                return -1;
        *reserved = true;
        if (t.kind == SCHED_KIND_DEADLINE && granted != t.runtime) {
                log_msg(g, LOG_INFO, "admission: %s granted runtime %llu of %llu ns (elastic)", id,
                        (unsigned long long)granted, (unsigned long long)t.runtime);
                spec->process.scheduler.runtime = granted;
        }
        return 0;
}

int admission_reserve_exec(const struct runtime_ctx *g, const char *id, const struct oci_spec *spec,
                           struct oci_process *p, char *aid, size_t aid_size, bool *reserved,
                           struct rterr *err)
{
        *reserved = false;
        if (!p->scheduler.set || p->scheduler.policy != SCHED_DEADLINE)
                return 0;
        snprintf(aid, aid_size, "%s/exec-%d", id, (int)getpid());
        /* the container's config seen with the exec'd process in place of its own */
        struct oci_spec view = *spec;
        view.has_process = true;
        view.process = *p;
        int r = admission_reserve(g, aid, &view, reserved, err);
        p->scheduler.runtime = view.process.scheduler.runtime;
        return r;
}

int admission_bind(const struct runtime_ctx *g, const char *id, pid_t pid, struct rterr *err)
{
        return sched_admission_bind(g->root, id, pid, err);
}

void admission_release(const struct runtime_ctx *g, const char *id, const struct oci_spec *spec)
{
        if (spec != NULL && !real_time(spec))
                return;
        struct sched_host h;
        struct rterr err = {0};
        struct rtwarn warn = log_warn_sink(g);
        if (sched_host_read(&h, &err) < 0 ||
            sched_admission_release(&h, g->root, id, resize, (void *)g, &warn, &err) < 0)
                log_msg(g, LOG_WARN, "admission: release %s: %s", id, err.msg);
}
