/* Real-time scheduling of tasks that rtrun did not start itself: the process CRIU restored, and
 * the container's DEADLINE tasks parked as SCHED_OTHER for the length of a dump. */
#include <dirent.h>
#include <errno.h>
#include <linux/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "rt/internal.h"
#include "rt/rt.h"

struct rt_dl_parked {
        pid_t tid;
        struct rt_sched s;
};

struct rt_dl_park {
        struct rt_dl_parked *v;
        size_t n;
};

int rt_task_apply(pid_t pid, const struct oci_scheduler *sched, struct rterr *err)
{
        if (sched == NULL || !sched->set)
                return 0;
        struct rt_sched s;
        rt_sched_from_oci(sched, &s);
        /* As at create (rt_process_apply): a DEADLINE task's affinity must span its root
         * domain, and CRIU gives the restored task the affinity it had when dumped. */
        if (s.policy == SCHED_DEADLINE && rt_affinity_reset_to_cpuset(pid, err) < 0)
                return rterr_wrap(err, "process.scheduler: reset affinity to the cpuset");
        int r = rt_sched_set(pid, &s);
        if (r < 0)
                return rt_explain_setattr(pid, &s, -r, err);
        return 0;
}

static int park_one(struct rt_dl_park *p, pid_t tid, struct rterr *err)
{
        struct rt_sched s;
        int r = rt_sched_get(tid, &s);
        if (r == -ESRCH)
                return 0;
        if (r < 0)
                return rterr_sys(err, -r, "sched_getattr(%d)", (int)tid);
        if (s.policy != SCHED_DEADLINE)
                return 0;
        struct rt_dl_parked *v = realloc(p->v, (p->n + 1) * sizeof(*v));
        if (v == NULL)
                return rterr_errno(err, "park DEADLINE task %d", (int)tid);
        p->v = v;
        struct rt_sched other = {.policy = SCHED_NORMAL};
        r = rt_sched_set(tid, &other);
        if (r == -ESRCH)
                return 0;
        if (r < 0)
                return rterr_sys(err, -r, "sched_setattr(%d, SCHED_OTHER)", (int)tid);
        p->v[p->n++] = (struct rt_dl_parked){.tid = tid, .s = s};
        return 0;
}

int rt_dl_park(const pid_t *pids, size_t n, struct rt_dl_park **out, struct rterr *err)
{
        struct rt_dl_park *p = calloc(1, sizeof(*p));
        if (p == NULL)
                return rterr_errno(err, "park DEADLINE tasks");
        *out = p;
        for (size_t i = 0; i < n; i++) {
                char path[64];
                snprintf(path, sizeof(path), "/proc/%d/task", (int)pids[i]);
                _cleanup_closedir_ DIR *d = opendir(path);
                if (d == NULL)
                        continue; /* gone meanwhile */
                struct dirent *e;
                while ((e = readdir(d)) != NULL) {
                        if (e->d_name[0] == '.')
                                continue;
                        if (park_one(p, (pid_t)atoi(e->d_name), err) < 0)
                                return -1;
                }
        }
        return 0;
}

size_t rt_dl_park_count(const struct rt_dl_park *p)
{
        return p ? p->n : 0;
}

int rt_dl_unpark(struct rt_dl_park *p, struct rterr *err)
{
        int rc = 0;
        for (size_t i = 0; p && i < p->n; i++) {
                int r = rt_sched_set(p->v[i].tid, &p->v[i].s);
                if (r < 0 && r != -ESRCH && rc == 0)
                        rc = rt_explain_setattr(p->v[i].tid, &p->v[i].s, -r, err);
        }
        return rc;
}

void rt_dl_park_free(struct rt_dl_park *p)
{
        if (p)
                free(p->v);
        free(p);
}
