/* CPU sets: bitmaps, the kernel's cpulist syntax, and task affinity. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "rt/internal.h"
#include "rt/rt.h"

#define NWORDS (RT_MAX_CPUS / 64)

void rt_cpumask_zero(struct rt_cpumask *m)
{
        memset(m, 0, sizeof(*m));
}

void rt_cpumask_set(struct rt_cpumask *m, unsigned cpu)
{
        if (cpu < RT_MAX_CPUS)
                m->w[cpu / 64] |= UINT64_C(1) << (cpu % 64);
}

bool rt_cpumask_test(const struct rt_cpumask *m, unsigned cpu)
{
        return cpu < RT_MAX_CPUS && (m->w[cpu / 64] >> (cpu % 64)) & 1;
}

unsigned rt_cpumask_count(const struct rt_cpumask *m)
{
        unsigned n = 0;
        for (size_t i = 0; i < NWORDS; i++)
                n += (unsigned)__builtin_popcountll(m->w[i]);
        return n;
}

bool rt_cpumask_empty(const struct rt_cpumask *m)
{
        for (size_t i = 0; i < NWORDS; i++)
                if (m->w[i])
                        return false;
        return true;
}

bool rt_cpumask_equal(const struct rt_cpumask *a, const struct rt_cpumask *b)
{
        return memcmp(a->w, b->w, sizeof(a->w)) == 0;
}

bool rt_cpumask_subset(const struct rt_cpumask *sub, const struct rt_cpumask *super)
{
        for (size_t i = 0; i < NWORDS; i++)
                if (sub->w[i] & ~super->w[i])
                        return false;
        return true;
}

bool rt_cpumask_intersects(const struct rt_cpumask *a, const struct rt_cpumask *b)
{
        for (size_t i = 0; i < NWORDS; i++)
                if (a->w[i] & b->w[i])
                        return true;
        return false;
}

void rt_cpumask_and(struct rt_cpumask *dst, const struct rt_cpumask *a, const struct rt_cpumask *b)
{
        for (size_t i = 0; i < NWORDS; i++)
                dst->w[i] = a->w[i] & b->w[i];
}

void rt_cpumask_or(struct rt_cpumask *dst, const struct rt_cpumask *a, const struct rt_cpumask *b)
{
        for (size_t i = 0; i < NWORDS; i++)
                dst->w[i] = a->w[i] | b->w[i];
}

void rt_cpumask_andnot(struct rt_cpumask *dst, const struct rt_cpumask *a,
                       const struct rt_cpumask *b)
{
        for (size_t i = 0; i < NWORDS; i++)
                dst->w[i] = a->w[i] & ~b->w[i];
}

unsigned rt_cpumask_last(const struct rt_cpumask *m)
{
        for (size_t i = NWORDS; i-- > 0;)
                if (m->w[i])
                        return (unsigned)(i * 64 + 64 - (size_t)__builtin_clzll(m->w[i]));
        return 0;
}

static const char *skip_blanks(const char *p)
{
        while (*p == ' ' || *p == '\t' || *p == '\n')
                p++;
        return p;
}

static int parse_cpu(const char **p, const char *list, unsigned *out, struct rterr *err)
{
        if (!isdigit((unsigned char)**p))
                return rterr_set(err, EINVAL, "CPU list '%s': expected a CPU number at '%s'", list,
                                 *p);
        char *end;
        errno = 0;
        unsigned long v = strtoul(*p, &end, 10);
        if (errno || v >= RT_MAX_CPUS)
                return rterr_set(err, EINVAL, "CPU list '%s': CPU %.*s is out of range (max %d)",
                                 list, (int)(end - *p), *p, RT_MAX_CPUS - 1);
        *p = end;
        *out = (unsigned)v;
        return 0;
}

int rt_cpumask_parse(const char *list, struct rt_cpumask *out, struct rterr *err)
{
        rt_cpumask_zero(out);
        const char *p = skip_blanks(list);
        if (*p == '\0')
                return 0;
        for (;;) {
                unsigned lo = 0, hi = 0;
                p = skip_blanks(p);
                if (parse_cpu(&p, list, &lo, err) < 0)
                        return -1;
                hi = lo;
                if (*p == '-') {
                        p++;
                        if (parse_cpu(&p, list, &hi, err) < 0)
                                return -1;
                        if (hi < lo)
                                return rterr_set(err, EINVAL,
                                                 "CPU list '%s': range %u-%u goes backwards", list,
                                                 lo, hi);
                }
                for (unsigned c = lo; c <= hi; c++)
                        rt_cpumask_set(out, c);
                p = skip_blanks(p);
                if (*p == '\0')
                        return 0;
                if (*p != ',')
                        return rterr_set(err, EINVAL, "CPU list '%s': unexpected '%c'", list, *p);
                p++;
        }
}

char *rt_cpumask_format(const struct rt_cpumask *m, char *buf, size_t len)
{
        size_t off = 0;
        if (len == 0)
                return buf;
        buf[0] = '\0';
        unsigned last = rt_cpumask_last(m);
        for (unsigned c = 0; c < last; c++) {
                if (!rt_cpumask_test(m, c))
                        continue;
                unsigned e = c;
                while (e + 1 < last && rt_cpumask_test(m, e + 1))
                        e++;
                int n = e == c ? snprintf(buf + off, len - off, "%s%u", off ? "," : "", c)
                               : snprintf(buf + off, len - off, "%s%u-%u", off ? "," : "", c, e);
                if (n < 0 || (size_t)n >= len - off)
                        break;
                off += (size_t)n;
                c = e;
        }
        return buf;
}

int rt_cpumask_read_file(int dirfd, const char *path, struct rt_cpumask *out, struct rterr *err)
{
        _cleanup_free_ char *text = NULL;
        if (read_file_at(dirfd, path, &text, NULL, err) < 0)
                return -1;
        if (rt_cpumask_parse(text, out, err) < 0)
                return rterr_wrap(err, "%s", path);
        return 0;
}

int rt_affinity_get(pid_t tid, struct rt_cpumask *out, struct rterr *err)
{
        cpu_set_t set;
        CPU_ZERO(&set);
        if (sched_getaffinity(tid, sizeof(set), &set) < 0)
                return rterr_errno(err, "sched_getaffinity(%d)", (int)tid);
        rt_cpumask_zero(out);
        for (unsigned c = 0; c < CPU_SETSIZE && c < RT_MAX_CPUS; c++)
                if (CPU_ISSET(c, &set))
                        rt_cpumask_set(out, c);
        return 0;
}

int rt_affinity_set(pid_t tid, const struct rt_cpumask *m, struct rterr *err)
{
        cpu_set_t set;
        CPU_ZERO(&set);
        for (unsigned c = 0; c < CPU_SETSIZE && c < RT_MAX_CPUS; c++)
                if (rt_cpumask_test(m, c))
                        CPU_SET(c, &set);
        if (sched_setaffinity(tid, sizeof(set), &set) < 0) {
                char list[RT_CPULIST_MAX];
                return rterr_errno(err, "sched_setaffinity(%d, %s)", (int)tid,
                                   rt_cpumask_format(m, list, sizeof(list)));
        }
        return 0;
}

int rt_affinity_reset_to_cpuset(pid_t tid, struct rterr *err)
{
        struct rt_cpumask all;
        memset(&all, 0xff, sizeof(all));
        return rt_affinity_set(tid, &all, err);
}

int rt_cpus_online(struct rt_cpumask *out, struct rterr *err)
{
        return rt_cpumask_read_file(AT_FDCWD, "/sys/devices/system/cpu/online", out, err);
}

static int apply_list(const char *what, const char *cpulist, struct rterr *err)
{
        struct rt_cpumask m;
        if (rt_cpumask_parse(cpulist, &m, err) < 0)
                return rterr_wrap(err, "process.execCPUAffinity.%s", what);
        if (rt_cpumask_empty(&m))
                return rterr_set(err, EINVAL, "process.execCPUAffinity.%s: empty CPU list", what);
        if (rt_affinity_set(0, &m, err) < 0)
                return rterr_wrap(err, "process.execCPUAffinity.%s", what);
        return 0;
}

int rt_exec_cpu_affinity(const struct oci_exec_cpu_affinity *a, bool after_join, struct rterr *err)
{
        if (a == NULL)
                return 0;
        if (!after_join)
                return a->initial ? apply_list("initial", a->initial, err) : 0;
        if (a->final)
                return apply_list("final", a->final, err);
        /* Since 6.2 a cgroup move keeps the earlier request (intersected with the cpuset), so
         * the transient `initial` would stick without this. */
        return a->initial ? rt_affinity_reset_to_cpuset(0, err) : 0;
}

/* The kernel's hex bitmap ("ff,00000003"): 32-bit words separated by commas, highest first. */
int rt_cpumask_parse_hex(const char *text, struct rt_cpumask *out, struct rterr *err)
{
        rt_cpumask_zero(out);
        size_t len = strcspn(text, "\n");
        unsigned bit = 0;
        for (size_t i = len; i-- > 0;) {
                char ch = text[i];
                if (ch == ',')
                        continue;
                int v = isdigit((unsigned char)ch)    ? ch - '0'
                        : isxdigit((unsigned char)ch) ? (tolower((unsigned char)ch) - 'a' + 10)
                                                      : -1;
                if (v < 0)
                        return rterr_set(err, EINVAL, "CPU mask '%.*s': '%c' is not hex", (int)len,
                                         text, ch);
                for (int b = 0; b < 4; b++, bit++)
                        if (v & (1 << b))
                                rt_cpumask_set(out, bit);
        }
        return 0;
}

char *rt_cpumask_format_hex(const struct rt_cpumask *m, char *buf, size_t len)
{
        unsigned words = (rt_cpumask_last(m) + 31) / 32;
        size_t off = 0;
        if (words == 0)
                words = 1;
        buf[0] = '\0';
        for (unsigned w = words; w-- > 0;) {
                uint32_t v = (uint32_t)(m->w[w / 2] >> ((w % 2) * 32));
                int n = w + 1 == words ? snprintf(buf + off, len - off, "%x", v)
                                       : snprintf(buf + off, len - off, ",%08x", v);
                if (n < 0 || (size_t)n >= len - off)
                        break;
                off += (size_t)n;
        }
        return buf;
}
