/* `events --stats`: the "data" object in runc's shape (cpu, memory, pids, blkio, hugetlb), read
 * from whichever driver serves each controller. Missing files leave their fields at zero: the
 * stats are a best-effort report, not a check. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/cg_internal.h"
#include "common/common.h"

static uint64_t rd(const struct cg_dir *d, const char *file)
{
        uint64_t v = 0;
        if (d && cg_read_u64(d, file, &v, NULL) < 0)
                v = 0;
        return v;
}

static uint64_t key(const struct cg_dir *d, const char *file, const char *k)
{
        uint64_t v = 0;
        if (d && cg_read_keyed(d, file, k, &v, NULL) < 0)
                v = 0;
        return v;
}

/* "max" reads as UINT64_MAX; runc reports unlimited as the largest int64. */
static uint64_t lim(uint64_t v)
{
        return v > INT64_MAX ? INT64_MAX : v;
}

static void u64_array(FILE *f, const struct cg_dir *d, const char *file)
{
        _cleanup_free_ char *s = NULL;
        fputc('[', f);
        if (d && cg_read(d, file, &s, NULL) == 0) {
                const char *p = s;
                bool first = true;
                for (;;) {
                        char *end;
                        unsigned long long v = strtoull(p, &end, 10);
                        if (end == p)
                                break;
                        fprintf(f, "%s%llu", first ? "" : ",", v);
                        first = false;
                        p = end;
                }
        }
        fputc(']', f);
}

static void cpu_v1(FILE *f, const struct cgroup *cg)
{
        const struct cg_dir *acct = cg_dir_of(cg, CG_CPUACCT), *cpu = cg_dir_of(cg, CG_CPU);
        fprintf(f,
                "\"cpu\":{\"usage\":{\"total\":%" PRIu64 ",\"percpu\":", rd(acct, "cpuacct.usage"));
        u64_array(f, acct, "cpuacct.usage_percpu");
        fputs(",\"percpu_kernel\":", f);
        u64_array(f, acct, "cpuacct.usage_percpu_sys");
        fputs(",\"percpu_user\":", f);
        u64_array(f, acct, "cpuacct.usage_percpu_user");
        fprintf(f,
                ",\"kernel\":%" PRIu64 ",\"user\":%" PRIu64 "},\"throttling\":{\"periods\":%" PRIu64
                ",\"throttledPeriods\":%" PRIu64 ",\"throttledTime\":%" PRIu64 "}}",
                rd(acct, "cpuacct.usage_sys"), rd(acct, "cpuacct.usage_user"),
                key(cpu, "cpu.stat", "nr_periods"), key(cpu, "cpu.stat", "nr_throttled"),
                key(cpu, "cpu.stat", "throttled_time"));
}

static void cpu_v2(FILE *f, const struct cg_dir *d)
{
        fprintf(f,
                "\"cpu\":{\"usage\":{\"total\":%" PRIu64 ",\"kernel\":%" PRIu64 ",\"user\":%" PRIu64
                "},\"throttling\":{\"periods\":%" PRIu64 ",\"throttledPeriods\":%" PRIu64
                ",\"throttledTime\":%" PRIu64 "}}",
                key(d, "cpu.stat", "usage_usec") * 1000, key(d, "cpu.stat", "system_usec") * 1000,
                key(d, "cpu.stat", "user_usec") * 1000, key(d, "cpu.stat", "nr_periods"),
                key(d, "cpu.stat", "nr_throttled"), key(d, "cpu.stat", "throttled_usec") * 1000);
}

static void entry(FILE *f, const char *name, uint64_t limit, uint64_t usage, uint64_t max,
                  uint64_t failcnt)
{
        fprintf(f,
                "\"%s\":{\"limit\":%" PRIu64 ",\"usage\":%" PRIu64 ",\"max\":%" PRIu64
                ",\"failcnt\":%" PRIu64 "}",
                name, lim(limit), usage, max, failcnt);
}

/* memory.stat as {"key":value,...}. */
static void raw_stat(FILE *f, const struct cg_dir *d)
{
        _cleanup_free_ char *s = NULL;
        fputs("\"raw\":{", f);
        if (cg_read(d, "memory.stat", &s, NULL) == 0) {
                bool first = true;
                char *save = NULL;
                for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                        char k[64];
                        unsigned long long v;
                        if (sscanf(l, "%63s %llu", k, &v) != 2)
                                continue;
                        fprintf(f, "%s\"%s\":%llu", first ? "" : ",", k, v);
                        first = false;
                }
        }
        fputc('}', f);
}

static void memory_v1(FILE *f, const struct cg_dir *d)
{
        fprintf(f, "\"memory\":{\"cache\":%" PRIu64 ",", key(d, "memory.stat", "cache"));
        entry(f, "usage", rd(d, "memory.limit_in_bytes"), rd(d, "memory.usage_in_bytes"),
              rd(d, "memory.max_usage_in_bytes"), rd(d, "memory.failcnt"));
        fputc(',', f);
        entry(f, "swap", rd(d, "memory.memsw.limit_in_bytes"), rd(d, "memory.memsw.usage_in_bytes"),
              rd(d, "memory.memsw.max_usage_in_bytes"), rd(d, "memory.memsw.failcnt"));
        fputc(',', f);
        entry(f, "kernel", rd(d, "memory.kmem.limit_in_bytes"), rd(d, "memory.kmem.usage_in_bytes"),
              rd(d, "memory.kmem.max_usage_in_bytes"), rd(d, "memory.kmem.failcnt"));
        fputc(',', f);
        raw_stat(f, d);
        fputc('}', f);
}

/* runc reports v2 swap as memory+swap, the v1 meaning. */
static void memory_v2(FILE *f, const struct cg_dir *d)
{
        uint64_t cur = rd(d, "memory.current"), max = rd(d, "memory.max");
        uint64_t swcur = rd(d, "memory.swap.current"), swmax = rd(d, "memory.swap.max");
        uint64_t swlim = max == UINT64_MAX || swmax == UINT64_MAX ? UINT64_MAX : max + swmax;
        fprintf(f, "\"memory\":{\"cache\":%" PRIu64 ",", key(d, "memory.stat", "file"));
        entry(f, "usage", max, cur, rd(d, "memory.peak"), key(d, "memory.events", "max"));
        fputc(',', f);
        entry(f, "swap", swlim, cur + swcur, rd(d, "memory.swap.peak"),
              key(d, "memory.swap.events", "max"));
        fputc(',', f);
        raw_stat(f, d);
        fputc('}', f);
}

static void pids(FILE *f, const struct cg_dir *d)
{
        uint64_t max = rd(d, "pids.max");
        fprintf(f, "\"pids\":{\"current\":%" PRIu64 ",\"limit\":%" PRIu64 "}",
                rd(d, "pids.current"), max == UINT64_MAX ? 0 : max);
}

/* blkio.throttle.io_service_bytes_recursive lines: "8:0 Read 4096", plus a "Total" line. */
static void blkio_v1_list(FILE *f, const struct cg_dir *d, const char *name, const char *file)
{
        _cleanup_free_ char *s = NULL;
        fprintf(f, "\"%s\":[", name);
        if (cg_read(d, file, &s, NULL) == 0) {
                bool first = true;
                char *save = NULL;
                for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                        unsigned ma, mi;
                        char op[16];
                        unsigned long long v;
                        if (sscanf(l, "%u:%u %15s %llu", &ma, &mi, op, &v) != 4)
                                continue;
                        fprintf(f, "%s{\"major\":%u,\"minor\":%u,\"op\":\"%s\",\"value\":%llu}",
                                first ? "" : ",", ma, mi, op, v);
                        first = false;
                }
        }
        fputc(']', f);
}

/* io.stat lines: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0". */
static void blkio_v2_list(FILE *f, const struct cg_dir *d, const char *name, const char *rkey,
                          const char *wkey)
{
        _cleanup_free_ char *s = NULL;
        fprintf(f, "\"%s\":[", name);
        if (cg_read(d, "io.stat", &s, NULL) == 0) {
                bool first = true;
                char *save = NULL;
                for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                        unsigned ma, mi;
                        if (sscanf(l, "%u:%u", &ma, &mi) != 2)
                                continue;
                        const char *keys[2] = {rkey, wkey}, *ops[2] = {"Read", "Write"};
                        for (int i = 0; i < 2; i++) {
                                const char *p = strstr(l, keys[i]);
                                if (p == NULL)
                                        continue;
                                fprintf(
                                    f, "%s{\"major\":%u,\"minor\":%u,\"op\":\"%s\",\"value\":%llu}",
                                    first ? "" : ",", ma, mi, ops[i],
                                    strtoull(p + strlen(keys[i]), NULL, 10));
                                first = false;
                        }
                }
        }
        fputc(']', f);
}

static void blkio(FILE *f, const struct cg_dir *d)
{
        fputs("\"blkio\":{", f);
        if (d && !d->v2) {
                blkio_v1_list(f, d, "ioServiceBytesRecursive",
                              "blkio.throttle.io_service_bytes_recursive");
                fputc(',', f);
                blkio_v1_list(f, d, "ioServicedRecursive", "blkio.throttle.io_serviced_recursive");
        } else if (d) {
                blkio_v2_list(f, d, "ioServiceBytesRecursive", "rbytes=", "wbytes=");
                fputc(',', f);
                blkio_v2_list(f, d, "ioServicedRecursive", "rios=", "wios=");
        }
        fputc('}', f);
}

/* Page sizes as cgroup file names use them: hugepages-2048kB -> "2MB". */
static void hugetlb(FILE *f, const struct cg_dir *d)
{
        fputs("\"hugetlb\":{", f);
        _cleanup_closedir_ DIR *dir = d ? opendir("/sys/kernel/mm/hugepages") : NULL;
        bool first = true;
        for (struct dirent *e; dir && (e = readdir(dir)) != NULL;) {
                unsigned long kb;
                if (sscanf(e->d_name, "hugepages-%lukB", &kb) != 1)
                        continue;
                char size[32], file[96];
                if (kb >= 1024 * 1024)
                        snprintf(size, sizeof(size), "%luGB", kb / (1024 * 1024));
                else if (kb >= 1024)
                        snprintf(size, sizeof(size), "%luMB", kb / 1024);
                else
                        snprintf(size, sizeof(size), "%luKB", kb);
                uint64_t usage, max, failcnt;
                if (d->v2) {
                        snprintf(file, sizeof(file), "hugetlb.%s.current", size);
                        usage = rd(d, file);
                        max = 0;
                        snprintf(file, sizeof(file), "hugetlb.%s.events", size);
                        failcnt = key(d, file, "max");
                } else {
                        snprintf(file, sizeof(file), "hugetlb.%s.usage_in_bytes", size);
                        usage = rd(d, file);
                        snprintf(file, sizeof(file), "hugetlb.%s.max_usage_in_bytes", size);
                        max = rd(d, file);
                        snprintf(file, sizeof(file), "hugetlb.%s.failcnt", size);
                        failcnt = rd(d, file);
                }
                fprintf(f,
                        "%s\"%s\":{\"usage\":%" PRIu64 ",\"max\":%" PRIu64 ",\"failcnt\":%" PRIu64
                        "}",
                        first ? "" : ",", size, usage, max, failcnt);
                first = false;
        }
        fputc('}', f);
}

int cg_stats_json(struct cgroup *cg, char **json, struct rterr *err)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (f == NULL)
                return rterr_errno(err, "stats");
        const struct cg_dir *cpu = cg_dir_of(cg, CG_CPU), *mem = cg_dir_of(cg, CG_MEMORY);
        fputc('{', f);
        if (cpu && cpu->v2)
                cpu_v2(f, cpu);
        else
                cpu_v1(f, cg);
        fputc(',', f);
        if (mem && mem->v2)
                memory_v2(f, mem);
        else if (mem)
                memory_v1(f, mem);
        else
                fputs("\"memory\":{}", f);
        fputc(',', f);
        pids(f, cg_dir_of(cg, CG_PIDS));
        fputc(',', f);
        blkio(f, cg_dir_of(cg, CG_BLKIO));
        fputc(',', f);
        hugetlb(f, cg_dir_of(cg, CG_HUGETLB));
        fputc('}', f);
        if (fclose(f) != 0) {
                free(buf);
                return rterr_errno(err, "stats");
        }
        *json = buf;
        return 0;
}
