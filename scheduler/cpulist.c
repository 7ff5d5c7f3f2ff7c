/* CPU lists as the kernel writes them ("0-3,7"), as fixed-size bitmaps. */
#include "scheduler/scheduler.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool sched_cpuset_has(const struct sched_cpuset *s, int cpu)
{
        if (cpu < 0 || cpu >= SCHED_MAX_CPUS)
                return false;
        return (s->w[cpu / 64] >> (cpu % 64)) & 1;
}

void sched_cpuset_add(struct sched_cpuset *s, int cpu)
{
        if (cpu >= 0 && cpu < SCHED_MAX_CPUS)
                s->w[cpu / 64] |= UINT64_C(1) << (cpu % 64);
}

int sched_cpuset_count(const struct sched_cpuset *s)
{
        int n = 0;
        for (size_t i = 0; i < SCHED_MAX_CPUS / 64; i++)
                n += __builtin_popcountll(s->w[i]);
        return n;
}

int sched_cpuset_first(const struct sched_cpuset *s)
{
        for (size_t i = 0; i < SCHED_MAX_CPUS / 64; i++)
                if (s->w[i])
                        return (int)(i * 64) + __builtin_ctzll(s->w[i]);
        return -1;
}

bool sched_cpuset_equal(const struct sched_cpuset *a, const struct sched_cpuset *b)
{
        return memcmp(a->w, b->w, sizeof(a->w)) == 0;
}

bool sched_cpuset_intersects(const struct sched_cpuset *a, const struct sched_cpuset *b)
{
        for (size_t i = 0; i < SCHED_MAX_CPUS / 64; i++)
                if (a->w[i] & b->w[i])
                        return true;
        return false;
}

bool sched_cpuset_subset(const struct sched_cpuset *a, const struct sched_cpuset *of)
{
        for (size_t i = 0; i < SCHED_MAX_CPUS / 64; i++)
                if (a->w[i] & ~of->w[i])
                        return false;
        return true;
}

static int parse_cpu(const char **p, const char *whole, struct rterr *err)
{
        if (!isdigit((unsigned char)**p))
                return rterr_set(err, EINVAL, "CPU list '%s': expected a CPU number at '%s'", whole,
                                 *p);
        char *end;
        errno = 0;
        unsigned long v = strtoul(*p, &end, 10);
        if (errno || v >= SCHED_MAX_CPUS)
                return rterr_set(err, ERANGE, "CPU list '%s': CPU %.*s is beyond %d", whole,
                                 (int)(end - *p), *p, SCHED_MAX_CPUS - 1);
        *p = end;
        return (int)v;
}

int sched_cpuset_parse(const char *s, struct sched_cpuset *out, struct rterr *err)
{
        memset(out, 0, sizeof(*out));
        const char *p = s;
        while (isspace((unsigned char)*p))
                p++;
        while (*p && *p != '\n') {
                int lo = parse_cpu(&p, s, err);
                if (lo < 0)
                        return -1;
                int hi = lo;
                if (*p == '-') {
                        p++;
                        hi = parse_cpu(&p, s, err);
                        if (hi < 0)
                                return -1;
                        if (hi < lo)
                                return rterr_set(err, EINVAL,
                                                 "CPU list '%s': range %d-%d is reversed", s, lo,
                                                 hi);
                }
                for (int c = lo; c <= hi; c++)
                        sched_cpuset_add(out, c);
                if (*p == ',')
                        p++;
                else if (*p && *p != '\n')
                        return rterr_set(err, EINVAL, "CPU list '%s': unexpected '%c'", s, *p);
        }
        return 0;
}

void sched_cpuset_format(const struct sched_cpuset *s, char *buf, size_t size)
{
        size_t off = 0;
        if (size == 0)
                return;
        buf[0] = '\0';
        for (int c = 0; c < SCHED_MAX_CPUS; c++) {
                if (!sched_cpuset_has(s, c))
                        continue;
                int e = c;
                while (e + 1 < SCHED_MAX_CPUS && sched_cpuset_has(s, e + 1))
                        e++;
                int w = e > c ? snprintf(buf + off, size - off, "%s%d-%d", off ? "," : "", c, e)
                              : snprintf(buf + off, size - off, "%s%d", off ? "," : "", c);
                if (w < 0 || (size_t)w >= size - off)
                        return;
                off += (size_t)w;
                c = e;
        }
}
