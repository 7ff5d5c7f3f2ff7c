/* OOM notifications. v1: an eventfd registered through cgroup.event_control against
 * memory.oom_control (Documentation/admin-guide/cgroup-v1/memory.rst, "OOM Control"). PREEMPT_RT
 * kernels refuse that registration (memcg_write_event_control: EOPNOTSUPP since 5.18), so there
 * the oom_kill count of memory.oom_control (4.13+) is polled instead. v2: the kernel signals
 * POLLPRI on memory.events when a count changes; oom_kill is the one to watch. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "common/common.h"

struct cg_oom {
        const struct cg_dir *dir;
        bool v2;
        bool polled;   /* v1 without event_control: no fd, the count is read at each check */
        int fd;        /* v1 eventfd, or v2 memory.events; -1 when polled */
        int ctl_fd;    /* v1 memory.oom_control, kept open while registered */
        uint64_t seen; /* v2 and polled v1: oom_kill count already reported */
};

void cg_oom_free(struct cg_oom *o)
{
        if (o == NULL)
                return;
        if (o->fd >= 0)
                close(o->fd);
        if (o->ctl_fd >= 0)
                close(o->ctl_fd);
        free(o);
}

static int open_v1(struct cg_oom *o, struct rterr *err)
{
        o->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (o->fd < 0)
                return rterr_errno(err, "eventfd");
        o->ctl_fd = openat(o->dir->fd, "memory.oom_control", O_RDONLY | O_CLOEXEC);
        if (o->ctl_fd < 0)
                return rterr_errno(err, "open %s/memory.oom_control", o->dir->path);
        struct rterr e = {0};
        if (cg_writef(o->dir, "cgroup.event_control", &e, "%d %d", o->fd, o->ctl_fd) == 0)
                return 0;
        if (e.code != EOPNOTSUPP) {
                if (err)
                        *err = e;
                return -1;
        }
        close(o->fd);
        close(o->ctl_fd);
        o->fd = o->ctl_fd = -1;
        o->polled = true;
        if (cg_read_keyed(o->dir, "memory.oom_control", "oom_kill", &o->seen, err) < 0)
                return rterr_wrap(err,
                                  "OOM events: cgroup.event_control is not supported (%s) "
                                  "and there is no oom_kill count to poll",
                                  e.msg);
        return 0;
}

int cg_oom_open(struct cgroup *cg, struct cg_oom **out, struct rterr *err)
{
        const struct cg_dir *d = cg_dir_of(cg, CG_MEMORY);
        if (d == NULL)
                return rterr_set(err, ENODEV, "the host has no memory cgroup controller");
        struct cg_oom *o = calloc(1, sizeof(*o));
        if (o == NULL)
                return rterr_errno(err, "oom watch");
        *o = (struct cg_oom){.dir = d, .v2 = d->v2, .fd = -1, .ctl_fd = -1};
        int r;
        if (o->v2) {
                o->fd = openat(d->fd, "memory.events", O_RDONLY | O_CLOEXEC);
                r = o->fd < 0 ? rterr_errno(err, "open %s/memory.events", d->path)
                              : cg_read_keyed(d, "memory.events", "oom_kill", &o->seen, err);
        } else {
                r = open_v1(o, err);
        }
        if (r < 0) {
                cg_oom_free(o);
                return -1;
        }
        *out = o;
        return 0;
}

int cg_oom_fd(const struct cg_oom *o)
{
        return o->fd;
}

bool cg_oom_polled(const struct cg_oom *o)
{
        return o->polled;
}

short cg_oom_poll_events(const struct cg_oom *o)
{
        return o->v2 ? POLLPRI : POLLIN;
}

int cg_oom_check(struct cg_oom *o, unsigned long long *count, struct rterr *err)
{
        *count = 0;
        if (o->polled) {
                uint64_t now;
                if (cg_read_keyed(o->dir, "memory.oom_control", "oom_kill", &now, err) < 0)
                        return -1;
                *count = now > o->seen ? now - o->seen : 0;
                o->seen = now;
                return 0;
        }
        if (!o->v2) {
                uint64_t v;
                ssize_t r = read(o->fd, &v, sizeof(v));
                if (r < 0)
                        return errno == EAGAIN ? 0 : rterr_errno(err, "read the OOM eventfd");
                /* The eventfd also fires once when the cgroup is removed. */
                *count = r == sizeof(v) && cg_has_file(o->dir, "memory.oom_control") ? v : 0;
                return 0;
        }
        uint64_t now;
        if (cg_read_keyed(o->dir, "memory.events", "oom_kill", &now, err) < 0)
                return -1;
        *count = now > o->seen ? now - o->seen : 0;
        o->seen = now;
        return 0;
}
