/* RT group scheduling (cgroup v1 cpu controller with CONFIG_RT_GROUP_SCHED): a FIFO/RR
 * container gets cpu.rt_period_us/cpu.rt_runtime_us. A new group has rt_runtime 0 (every RT
 * task in it gets EPERM), and kernel/sched/rt.c (tg_rt_schedulable) requires each group's
 * runtime/period to fit its parent's and the children's sum to fit the group's. So the
 * ancestors are raised first (top-down) by the container's share, recorded in
 * RT_STATE_DIR/rtgroup ("raise DIR DELTA:CONTAINER"), and lowered again at teardown. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"
#include "rt/internal.h"

#define STATE_NAME "rtgroup"
#define DEFAULT_PERIOD_US 1000000

static int read_i64(const char *dir, const char *file, int64_t *out, struct rterr *err)
{
        char path[RT_PATH];
        _cleanup_free_ char *text = NULL;
        rt_pathf(path, sizeof(path), "%s/%s", dir, file);
        if (read_file_at(AT_FDCWD, path, &text, NULL, err) < 0)
                return -1;
        *out = strtoll(text, NULL, 10);
        return 0;
}

static int write_i64(const char *dir, const char *file, int64_t v, struct rterr *err)
{
        char path[RT_PATH], buf[32];
        rt_pathf(path, sizeof(path), "%s/%s", dir, file);
        snprintf(buf, sizeof(buf), "%" PRId64, v);
        return write_file_at(AT_FDCWD, path, buf, err);
}

static bool has_rt_files(const char *dir)
{
        char path[RT_PATH];
        rt_pathf(path, sizeof(path), "%s/cpu.rt_runtime_us", dir);
        return access(path, F_OK) == 0;
}

/* Lowers what `owner` raised, bottom-up (newest first). */
static int lower_raises(struct rt_state *st, const char *owner, struct rterr *err)
{
        int ret = 0;
        for (size_t i = st->n; i-- > 0;) {
                struct rt_state_entry *e = &st->v[i];
                char *colon = strchr(e->b, ':');
                if (strcmp(e->kind, "raise") != 0 || colon == NULL || strcmp(colon + 1, owner))
                        continue;
                int64_t delta = strtoll(e->b, NULL, 10), cur;
                struct rterr e2;
                if (read_i64(e->a, "cpu.rt_runtime_us", &cur, &e2) == 0 &&
                    write_i64(e->a, "cpu.rt_runtime_us", cur > delta ? cur - delta : 0, &e2) < 0) {
                        if (ret == 0 && err)
                                *err = e2;
                        ret = -1;
                }
                rt_state_remove(st, e);
        }
        return ret;
}

/* Raises every ancestor below the root by the container's share of its period. */
static int raise_ancestors(struct rt_state *st, const char *cpu_dir, uint64_t period_us,
                           int64_t runtime_us, struct rterr *err)
{
        /* Prefixes of cpu_dir, top-down; the hierarchy's root is skipped (its budget is
         * /proc/sys/kernel/sched_rt_runtime_us) and so is anything above the mount. */
        char anc[RT_PATH], parent[RT_PATH];
        for (const char *p = strchr(cpu_dir + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
                if (rt_pathf(anc, sizeof(anc), "%.*s", (int)(p - cpu_dir), cpu_dir) < 0 ||
                    rt_pathf(parent, sizeof(parent), "%.*s", (int)(strrchr(anc, '/') - anc), anc) <
                        0)
                        return rterr_errno(err, "cgroup path %s", cpu_dir);
                if (!has_rt_files(anc) || !has_rt_files(parent))
                        continue;
                int64_t a_period, a_runtime;
                if (read_i64(anc, "cpu.rt_period_us", &a_period, err) < 0 ||
                    read_i64(anc, "cpu.rt_runtime_us", &a_runtime, err) < 0)
                        return -1;
                if (a_runtime < 0)
                        continue; /* -1: unlimited */
                int64_t delta =
                    (int64_t)(((unsigned __int128)runtime_us * (uint64_t)a_period + period_us - 1) /
                              period_us);
                if (write_i64(anc, "cpu.rt_runtime_us", a_runtime + delta, err) < 0)
                        return rterr_wrap(err,
                                          "raise the RT budget of parent cgroup %s from %" PRId64
                                          " to %" PRId64 " us per %" PRId64
                                          " us (its parent or /proc/sys/kernel/sched_rt_runtime_us"
                                          " has no room for the container's share)",
                                          anc, a_runtime, a_runtime + delta, a_period);
                char b[RT_PATH + 32];
                if (rt_pathf(b, sizeof(b), "%" PRId64 ":%s", delta, cpu_dir) < 0)
                        return rterr_errno(err, "cgroup path %s", cpu_dir);
                if (rt_state_add(st, "raise", anc, b, err) < 0 || rt_state_save(st, err) < 0)
                        return -1;
        }
        return 0;
}

int rt_rtgroup_setup(const char *cpu_dir, const struct oci_cpu *cpu, const struct rtwarn *warn,
                     struct rterr *err)
{
        if (cpu_dir == NULL || !has_rt_files(cpu_dir)) {
                rtwarn(warn,
                       "linux.resources.cpu.realtimeRuntime ignored: this host has no RT "
                       "group scheduling (cgroup v2 has no RT bandwidth control, and v1 needs "
                       "CONFIG_RT_GROUP_SCHED); real-time tasks are limited only by "
                       "/proc/sys/kernel/sched_rt_runtime_us");
                return 0;
        }
        uint64_t period = cpu->realtime_period.set ? cpu->realtime_period.v : DEFAULT_PERIOD_US;
        int64_t runtime = cpu->realtime_runtime.v;
        if (period == 0 || runtime < -1 || (runtime > 0 && (uint64_t)runtime > period))
                return rterr_set(err, EINVAL,
                                 "linux.resources.cpu: realtimeRuntime %" PRId64
                                 " must be at most realtimePeriod %" PRIu64,
                                 runtime, period);
        struct rt_state st;
        if (rt_state_open(STATE_NAME, &st, err) < 0)
                return -1;
        lower_raises(&st, cpu_dir, NULL); /* a retry after a crash */
        int r = runtime > 0 ? raise_ancestors(&st, cpu_dir, period, runtime, err) : 0;
        /* The period first: the runtime must never exceed it (kernel/sched/rt.c). */
        if (r == 0 && (write_i64(cpu_dir, "cpu.rt_period_us", (int64_t)period, err) < 0 ||
                       write_i64(cpu_dir, "cpu.rt_runtime_us", runtime, err) < 0))
                r = rterr_wrap(err, "linux.resources.cpu.realtimeRuntime");
        if (r < 0)
                lower_raises(&st, cpu_dir, NULL);
        if (rt_state_save(&st, r < 0 ? NULL : err) < 0)
                r = -1;
        rt_state_close(&st);
        return r;
}

int rt_rtgroup_teardown(const char *cpu_dir, struct rterr *err)
{
        if (!rt_state_exists(STATE_NAME))
                return 0; /* no budget raised on this host */
        struct rt_state st;
        if (rt_state_open(STATE_NAME, &st, err) < 0)
                return -1;
        /* The container's own budget goes first so the parents can shrink. */
        if (cpu_dir && has_rt_files(cpu_dir))
                write_i64(cpu_dir, "cpu.rt_runtime_us", 0, NULL);
        int r = lower_raises(&st, cpu_dir ? cpu_dir : "", err);
        if (rt_state_save(&st, r < 0 ? NULL : err) < 0)
                r = -1;
        rt_state_close(&st);
        return r;
}
