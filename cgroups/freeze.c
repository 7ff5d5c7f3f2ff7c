/* Freezing (v1 freezer.state, v2 cgroup.freeze) and killing every process of a cgroup. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "common/common.h"

/* Freezing is asynchronous: the state reads FREEZING (v1) or "frozen 0" (v2) until every task
 * has stopped. Wait up to about five seconds. */
#define FREEZE_POLLS 5000
#define FREEZE_POLL_US 1000

int cg_is_frozen_dir(const struct cg_dir *d, bool *frozen, struct rterr *err)
{
        if (d->v2) {
                uint64_t v;
                if (cg_read_keyed(d, "cgroup.events", "frozen", &v, err) < 0)
                        return -1;
                *frozen = v == 1;
                return 0;
        }
        _cleanup_free_ char *s = NULL;
        if (cg_read(d, "freezer.state", &s, err) < 0)
                return -1;
        *frozen = strncmp(s, "FROZEN", 6) == 0;
        return 0;
}

static int wait_state(const struct cg_dir *d, bool frozen, struct rterr *err)
{
        for (int i = 0; i < FREEZE_POLLS; i++) {
                bool now;
                if (cg_is_frozen_dir(d, &now, err) < 0)
                        return -1;
                if (now == frozen)
                        return 0;
                /* v1 retries the freeze of tasks that were busy when it was asked for. */
                if (!d->v2 && frozen && i % 100 == 99 &&
                    cg_write(d, "freezer.state", "FROZEN", err) < 0)
                        return -1;
                usleep(FREEZE_POLL_US);
        }
        return rterr_set(err, ETIMEDOUT, "cgroup %s: still not %s after 5 s", d->path,
                         frozen ? "frozen" : "thawed");
}

int cg_freeze_dir(const struct cg_dir *d, bool frozen, struct rterr *err)
{
        int r = d->v2 ? cg_write(d, "cgroup.freeze", frozen ? "1" : "0", err)
                      : cg_write(d, "freezer.state", frozen ? "FROZEN" : "THAWED", err);
        if (r < 0)
                return -1;
        if (wait_state(d, frozen, err) == 0)
                return 0;
        if (frozen) /* do not leave it half frozen */
                d->v2 ? cg_write(d, "cgroup.freeze", "0", NULL)
                      : cg_write(d, "freezer.state", "THAWED", NULL);
        return -1;
}

static const struct cg_dir *freezer(const struct cgroup *cg, struct rterr *err)
{
        const struct cg_dir *d = cg_dir_of(cg, CG_FREEZER);
        if (d == NULL)
                rterr_set(err, ENODEV, "the host has no freezer cgroup controller");
        return d;
}

int cg_freeze(struct cgroup *cg, bool frozen, struct rterr *err)
{
        const struct cg_dir *d = freezer(cg, err);
        return d ? cg_freeze_dir(d, frozen, err) : -1;
}

int cg_is_frozen(struct cgroup *cg, bool *frozen, struct rterr *err)
{
        const struct cg_dir *d = freezer(cg, err);
        return d ? cg_is_frozen_dir(d, frozen, err) : -1;
}

static int signal_all(struct cgroup *cg, int sig, struct rterr *err)
{
        _cleanup_free_ pid_t *pids = NULL;
        size_t n;
        if (cg_pids(cg, &pids, &n, err) < 0)
                return -1;
        for (size_t i = 0; i < n; i++)
                if (kill(pids[i], sig) < 0 && errno != ESRCH)
                        return rterr_errno(err, "kill %d", (int)pids[i]);
        return 0;
}

/* cgroup.kill (Linux 5.14) kills the whole v2 subtree at once. Without it, freezing first keeps
 * processes from forking behind the loop's back. */
int cg_kill_all(struct cgroup *cg, int sig, struct rterr *err)
{
        if (sig == SIGKILL && cg->v2_dir >= 0 && cg->host->layout == CG_LAYOUT_V2 &&
            cg_has_file(&cg->dirs[cg->v2_dir], "cgroup.kill"))
                return cg_write(&cg->dirs[cg->v2_dir], "cgroup.kill", "1", err);
        const struct cg_dir *fz = cg_dir_of(cg, CG_FREEZER);
        bool was_frozen = false;
        if (fz && cg_is_frozen_dir(fz, &was_frozen, err) < 0)
                return -1;
        if (fz && !was_frozen && cg_freeze_dir(fz, true, err) < 0)
                fz = NULL; /* still signal, unfrozen */
        int r = signal_all(cg, sig, err);
        /* A frozen v1 task only acts on SIGKILL once thawed. */
        bool thaw = !was_frozen || sig == SIGKILL;
        if (fz && thaw && cg_freeze_dir(fz, false, r < 0 ? NULL : err) < 0)
                r = -1;
        return r;
}
