/* What each CPU offers real-time containers: the RT bandwidth cap minus the fair server
 * (kernel 6.12+: a DEADLINE server per CPU for SCHED_OTHER, charged to the same pool). */
#include "scheduler/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"

/* The kernel's default fair server when debugfs exists but is not readable (lockdown): 50 ms
 * every 1 s (kernel/sched/fair.c, fair_server_init). */
#define FS_DEFAULT_RUNTIME UINT64_C(50000000)
#define FS_DEFAULT_PERIOD UINT64_C(1000000000)

double sched_host_capacity(const struct sched_host *h)
{
        double c = h->bandwidth;
        if (h->fair_server && h->fs_period)
                c -= (double)h->fs_runtime / (double)h->fs_period;
        return c > 0 ? c : 0;
}

uint64_t sched_host_cap_ppb(const struct sched_host *h)
{
        uint64_t c = (uint64_t)(sched_host_capacity(h) * SCHED_PPB + 0.5);
        return c ? c : 1;
}

int sched_host_from_values(struct sched_host *h, int64_t rt_runtime_us, uint64_t rt_period_us,
                           const char *online_cpus, uint64_t fs_runtime, uint64_t fs_period,
                           struct rterr *err)
{
        memset(h, 0, sizeof(*h));
        if (cpumask_parse(online_cpus, &h->cpus, err) < 0)
                return -1;
        if (rt_runtime_us < 0 || rt_period_us == 0)
                h->bandwidth = 1.0;
        else
                h->bandwidth = (double)rt_runtime_us / (double)rt_period_us;
        h->fair_server = fs_period > 0;
        h->fs_runtime = fs_runtime;
        h->fs_period = fs_period;
        return 0;
}

static int read_num(const char *path, long long *out, struct rterr *err)
{
        _cleanup_free_ char *buf = NULL;
        size_t len;
        if (read_file_at(AT_FDCWD, path, &buf, &len, err) < 0)
                return -1;
        char *end;
        *out = strtoll(buf, &end, 10);
        if (end == buf)
                return rterr_set(err, EINVAL, "%s: '%s' is not a number", path, buf);
        return 0;
}

int sched_host_read(struct sched_host *h, struct rterr *err)
{
        long long rt_runtime, rt_period, fs_runtime = 0, fs_period = 0;
        if (read_num("/proc/sys/kernel/sched_rt_runtime_us", &rt_runtime, err) < 0 ||
            read_num("/proc/sys/kernel/sched_rt_period_us", &rt_period, err) < 0)
                return -1;
        _cleanup_free_ char *online = NULL;
        size_t len;
        if (read_file_at(AT_FDCWD, "/sys/devices/system/cpu/online", &online, &len, err) < 0)
                return -1;
        const char *fs = "/sys/kernel/debug/sched/fair_server/cpu0";
        struct rterr ignore;
        if (read_num("/sys/kernel/debug/sched/fair_server/cpu0/runtime", &fs_runtime, &ignore) <
                0 ||
            read_num("/sys/kernel/debug/sched/fair_server/cpu0/period", &fs_period, &ignore) < 0) {
                /* Present but unreadable: assume the kernel default rather than nothing. */
                bool exists = access(fs, F_OK) == 0;
                fs_runtime = exists ? (long long)FS_DEFAULT_RUNTIME : 0;
                fs_period = exists ? (long long)FS_DEFAULT_PERIOD : 0;
        }
        return sched_host_from_values(h, rt_runtime, (uint64_t)rt_period, online,
                                      (uint64_t)fs_runtime, (uint64_t)fs_period, err);
}
