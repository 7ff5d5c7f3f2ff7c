/* CPU sets as bitmaps and the kernel's cpulist syntax (common/cpumask.h). */
#include "common/cpumask.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/fileio.h"

#define NWORDS (CPUMASK_MAX / 64)

void cpumask_zero(struct cpumask *m)
{
        memset(m, 0, sizeof(*m));
}

void cpumask_set(struct cpumask *m, unsigned cpu)
{
        if (cpu < CPUMASK_MAX)
                m->w[cpu / 64] |= UINT64_C(1) << (cpu % 64);
}

void cpumask_clear(struct cpumask *m, unsigned cpu)
{
        if (cpu < CPUMASK_MAX)
                m->w[cpu / 64] &= ~(UINT64_C(1) << (cpu % 64));
}

bool cpumask_test(const struct cpumask *m, unsigned cpu)
{
        return cpu < CPUMASK_MAX && (m->w[cpu / 64] >> (cpu % 64)) & 1;
}

unsigned cpumask_count(const struct cpumask *m)
{
        unsigned n = 0;
        for (size_t i = 0; i < NWORDS; i++)
                n += (unsigned)__builtin_popcountll(m->w[i]);
        return n;
}

bool cpumask_empty(const struct cpumask *m)
{
        for (size_t i = 0; i < NWORDS; i++)
                if (m->w[i])
                        return false;
        return true;
}

bool cpumask_equal(const struct cpumask *a, const struct cpumask *b)
{
        return memcmp(a->w, b->w, sizeof(a->w)) == 0;
}

bool cpumask_subset(const struct cpumask *sub, const struct cpumask *super)
{
        for (size_t i = 0; i < NWORDS; i++)
                if (sub->w[i] & ~super->w[i])
                        return false;
        return true;
}

bool cpumask_intersects(const struct cpumask *a, const struct cpumask *b)
{
        for (size_t i = 0; i < NWORDS; i++)
                if (a->w[i] & b->w[i])
                        return true;
        return false;
}

void cpumask_and(struct cpumask *dst, const struct cpumask *a, const struct cpumask *b)
{
        for (size_t i = 0; i < NWORDS; i++)
                dst->w[i] = a->w[i] & b->w[i];
}

void cpumask_or(struct cpumask *dst, const struct cpumask *a, const struct cpumask *b)
{
        for (size_t i = 0; i < NWORDS; i++)
                dst->w[i] = a->w[i] | b->w[i];
}

void cpumask_andnot(struct cpumask *dst, const struct cpumask *a, const struct cpumask *b)
{
        for (size_t i = 0; i < NWORDS; i++)
                dst->w[i] = a->w[i] & ~b->w[i];
}

unsigned cpumask_last(const struct cpumask *m)
{
        for (size_t i = NWORDS; i-- > 0;)
                if (m->w[i])
                        return (unsigned)(i * 64 + 64 - (size_t)__builtin_clzll(m->w[i]));
        return 0;
}

int cpumask_first(const struct cpumask *m)
{
        return cpumask_next(m, -1);
}

int cpumask_next(const struct cpumask *m, int cpu)
{
        unsigned c = (unsigned)(cpu + 1);
        if (cpu < -1 || c >= CPUMASK_MAX)
                return -1;
        size_t i = c / 64;
        uint64_t word = m->w[i] & (~UINT64_C(0) << (c % 64));
        for (;;) {
                if (word)
                        return (int)(i * 64) + __builtin_ctzll(word);
                if (++i == NWORDS)
                        return -1;
                word = m->w[i];
        }
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
        if (errno || v >= CPUMASK_MAX)
                return rterr_set(err, EINVAL, "CPU list '%s': CPU %.*s is out of range (max %d)",
                                 list, (int)(end - *p), *p, CPUMASK_MAX - 1);
        *p = end;
        *out = (unsigned)v;
        return 0;
}

int cpumask_parse(const char *list, struct cpumask *out, struct rterr *err)
{
        cpumask_zero(out);
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
                        cpumask_set(out, c);
                p = skip_blanks(p);
                if (*p == '\0')
                        return 0;
                if (*p != ',')
                        return rterr_set(err, EINVAL, "CPU list '%s': unexpected '%c'", list, *p);
                p++;
        }
}

char *cpumask_format(const struct cpumask *m, char *buf, size_t len)
{
        size_t off = 0;
        if (len == 0)
                return buf;
        buf[0] = '\0';
        unsigned last = cpumask_last(m);
        for (unsigned c = 0; c < last; c++) {
                if (!cpumask_test(m, c))
                        continue;
                unsigned e = c;
                while (e + 1 < last && cpumask_test(m, e + 1))
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

int cpumask_read_file(int dirfd, const char *path, struct cpumask *out, struct rterr *err)
{
        _cleanup_free_ char *text = NULL;
        if (read_file_at(dirfd, path, &text, NULL, err) < 0)
                return -1;
        if (cpumask_parse(text, out, err) < 0)
                return rterr_wrap(err, "%s", path);
        return 0;
}

/* The kernel's hex bitmap ("ff,00000003"): 32-bit words separated by commas, highest first. */
int cpumask_parse_hex(const char *text, struct cpumask *out, struct rterr *err)
{
        cpumask_zero(out);
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
                                cpumask_set(out, bit);
        }
        return 0;
}

char *cpumask_format_hex(const struct cpumask *m, char *buf, size_t len)
{
        unsigned words = (cpumask_last(m) + 31) / 32;
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

int cpumask_read_online(const char *sysfs, struct cpumask *out, struct rterr *err)
{
        char path[4096];
        int n =
            snprintf(path, sizeof(path), "%s/devices/system/cpu/online", sysfs ? sysfs : "/sys");
        if (n < 0 || (size_t)n >= sizeof(path))
                return rterr_set(err, ENAMETOOLONG, "sysfs root '%s' is too long", sysfs);
        return cpumask_read_file(AT_FDCWD, path, out, err);
}
