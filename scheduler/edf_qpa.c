/* Exact EDF test on one CPU: the processor demand criterion h(t) <= c*t at every absolute
 * deadline t below the horizon L, checked with Zhang & Burns' Quick Processor-demand Analysis
 * ("Schedulability analysis for real-time systems with EDF scheduling", IEEE TC 58(9), 2009).
 * All arithmetic is integer: the capacity c is in parts per billion and demand is compared as
 * h(t) * 1e9 <= c_ppb * t. */
#include "scheduler/internal.h"

#include <stdio.h>
#include <string.h>

/* Work bounds (steps x tasks): a set exactly at capacity can have a busy period as long as
 * its hyperperiod; past these bounds the test gives up and rejects, naming why. */
#define WORK_MAX 20000000

uint64_t sched_scale_up(unsigned __int128 a, uint64_t ppb)
{
        unsigned __int128 n = a * SCHED_PPB;
        unsigned __int128 q = (n + ppb - 1) / ppb;
        return q > UINT64_MAX ? UINT64_MAX : (uint64_t)q;
}

const char *sched_fmt_ms(uint64_t ns, char *buf, size_t size)
{
        snprintf(buf, size, "%llu.%03llu", (unsigned long long)(ns / 1000000),
                 (unsigned long long)(ns % 1000000 / 1000));
        /* drop trailing zeros and a trailing dot: "10.000" -> "10", "12.300" -> "12.3" */
        char *e = buf;
        while (*e)
                e++;
        while (e > buf && e[-1] == '0')
                *--e = '\0';
        if (e > buf && e[-1] == '.')
                *--e = '\0';
        return buf;
}

static unsigned __int128 demand(const uint64_t *c, const uint64_t *d, const uint64_t *p, size_t n,
                                uint64_t t)
{
        unsigned __int128 h = 0;
        for (size_t i = 0; i < n; i++)
                if (t >= d[i])
                        h += (unsigned __int128)((t - d[i]) / p[i] + 1) * c[i];
        return h;
}

/* The largest absolute deadline strictly before t, or 0 when there is none. */
static uint64_t prev_deadline(const uint64_t *d, const uint64_t *p, size_t n, uint64_t t)
{
        uint64_t best = 0;
        for (size_t i = 0; i < n; i++) {
                if (d[i] >= t)
                        continue;
                uint64_t dl = d[i] + (t - 1 - d[i]) / p[i] * p[i];
                if (dl > best)
                        best = dl;
        }
        return best;
}

/* The synchronous busy period (smallest w with c*w >= demand of all jobs released in [0, w)),
 * stopped once it passes `limit`. UINT64_MAX when it does not converge in time. */
static uint64_t busy_period(const uint64_t *c, const uint64_t *p, size_t n, uint64_t cap,
                            uint64_t limit)
{
        unsigned __int128 sum = 0;
        for (size_t i = 0; i < n; i++)
                sum += c[i];
        uint64_t w = sched_scale_up(sum, cap);
        for (size_t k = 0; k * n < WORK_MAX && w <= limit; k++) {
                unsigned __int128 work = 0;
                for (size_t i = 0; i < n; i++)
                        work += (unsigned __int128)((w + p[i] - 1) / p[i]) * c[i];
                uint64_t next = sched_scale_up(work, cap);
                if (next == w)
                        return w;
                w = next;
        }
        return w > limit ? w : UINT64_MAX;
}

/* The horizon L: min(La, Lb), La = max(D_max, sum((T-D)*U)/(1-U)) when U < 1 (Zhang & Burns,
 * Theorem 3 / eq. 7), else the busy period Lb alone. */
static uint64_t horizon(const uint64_t *c, const uint64_t *d, const uint64_t *p, size_t n,
                        uint64_t cap, long double u)
{
        uint64_t dmax = 0;
        for (size_t i = 0; i < n; i++)
                if (d[i] > dmax)
                        dmax = d[i];
        uint64_t la = UINT64_MAX / 4;
        if (u < 1.0L) {
                long double s = 0;
                for (size_t i = 0; i < n; i++)
                        s += (long double)(p[i] - d[i]) *
                             ((long double)c[i] * SCHED_PPB / ((long double)p[i] * cap));
                long double a = s / (1.0L - u) + 1.0L;
                la = a > (long double)(UINT64_MAX / 4) ? UINT64_MAX / 4 : (uint64_t)a;
                if (la < dmax)
                        la = dmax;
        }
        uint64_t lb = busy_period(c, p, n, cap, la);
        return lb < la ? lb : la;
}

static uint64_t gcd64(uint64_t a, uint64_t b)
{
        while (b) {
                uint64_t t = a % b;
                a = b;
                b = t;
        }
        return a;
}

/* sum(c/p) <= cap/1e9 decided on exact fractions; -1 when the common denominator grows too
 * large to compare exactly (then the caller's floating test stands). */
static int utilisation_fits(const uint64_t *c, const uint64_t *p, size_t n, uint64_t cap)
{
        const unsigned __int128 limit = (unsigned __int128)1 << 80;
        unsigned __int128 num = 0, den = 1;
        if (n > 1024)
                return -1;
        for (size_t i = 0; i < n; i++) {
                uint64_t g = gcd64((uint64_t)(den % p[i]), p[i]);
                unsigned __int128 scale = p[i] / g;
                if (den > limit / scale)
                        return -1;
                num = num * scale + (unsigned __int128)c[i] * (den / g);
                den *= scale;
        }
        return num * SCHED_PPB <= (unsigned __int128)cap * den;
}

/* "EDF: utilisation 1.200 > capacity 0.900", with six decimals where three would print the
 * same number twice. */
static bool over_capacity(long double u, long double cf, char *reason, size_t rsize)
{
        char a[32], b[32];
        snprintf(a, sizeof(a), "%.3Lf", u);
        snprintf(b, sizeof(b), "%.3Lf", cf);
        int prec = strcmp(a, b) == 0 ? 6 : 3;
        snprintf(reason, rsize, "EDF: utilisation %.*Lf > capacity %.*Lf", prec, u, prec, cf);
        return false;
}

bool sched_edf_qpa(const uint64_t *c, const uint64_t *d, const uint64_t *p, size_t n, uint64_t cap,
                   char *reason, size_t rsize)
{
        char b1[32], b2[32], b3[32];
        if (n == 0)
                return true;
        long double u = 0;
        uint64_t dmin = UINT64_MAX;
        for (size_t i = 0; i < n; i++) {
                u += (long double)c[i] / p[i];
                if (d[i] < dmin)
                        dmin = d[i];
        }
        long double cf = (long double)cap / SCHED_PPB;
        if (u > cf * (1.0L + 1e-15L))
                return over_capacity(u, cf, reason, rsize);
        /* D >= T for every task: U <= c is exact (Liu & Layland; the demand bound never exceeds
         * U*t), so no demand analysis is needed, and a set exactly at capacity passes. */
        bool implicit = true;
        for (size_t i = 0; i < n && implicit; i++)
                implicit = d[i] >= p[i];
        if (implicit) {
                int fit = utilisation_fits(c, p, n, cap);
                if (fit == 1 || (fit < 0 && u <= cf))
                        return true;
                return over_capacity(u, cf, reason, rsize);
        }
        uint64_t l = horizon(c, d, p, n, cap, u / cf);
        if (l == UINT64_MAX) {
                snprintf(reason, rsize, "EDF: utilisation %.3Lf leaves no idle time to analyse", u);
                return false;
        }
        /* start at the last deadline within the horizon */
        uint64_t t = l < dmin ? dmin : prev_deadline(d, p, n, l + 1);
        for (size_t steps = 0;; steps++) {
                if (steps * n > WORK_MAX) {
                        snprintf(reason, rsize,
                                 "QPA: gave up after %zu steps (utilisation %.3Lf "
                                 "too close to capacity to analyse quickly)",
                                 steps, u);
                        return false;
                }
                unsigned __int128 h = demand(c, d, p, n, t);
                unsigned __int128 hs = h * SCHED_PPB;
                unsigned __int128 supply = (unsigned __int128)cap * t;
                if (hs > supply) {
                        uint64_t avail = (uint64_t)(supply / SCHED_PPB);
                        snprintf(reason, rsize, "QPA: demand %s ms > %s ms at t=%s ms",
                                 sched_fmt_ms((uint64_t)h, b1, sizeof(b1)),
                                 sched_fmt_ms(avail, b2, sizeof(b2)),
                                 sched_fmt_ms(t, b3, sizeof(b3)));
                        return false;
                }
                if (hs <= (unsigned __int128)cap * dmin)
                        return true;
                uint64_t next = hs < supply ? sched_scale_up(h, cap) : t;
                t = next < t ? next : prev_deadline(d, p, n, t);
        }
}
