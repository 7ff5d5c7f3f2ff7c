/* Global EDF on m CPUs: the density bound of Goossens, Funk and Baruah ("Priority-driven
 * scheduling of periodic task systems on multiprocessors", Real-Time Systems 25, 2003),
 * with densities C / (c * min(D, T)): sum <= m - (m - 1) * max. */
#include "scheduler/internal.h"

#include <stdio.h>

bool sched_gfb(const uint64_t *c, const uint64_t *d, const uint64_t *p, size_t n, int m,
               double capacity, char *reason, size_t rsize)
{
        double sum = 0, max = 0;
        for (size_t i = 0; i < n; i++) {
                uint64_t w = d[i] < p[i] ? d[i] : p[i];
                double dens = (double)c[i] / (capacity * (double)w);
                sum += dens;
                if (dens > max)
                        max = dens;
        }
        double bound = m - (m - 1) * max;
        /* a relative margin of 1e-12 absorbs rounding of sums that are exactly at the bound */
        if (sum > bound * (1 + 1e-12) || max > 1 + 1e-12) {
                snprintf(reason, rsize, "GFB: density %.3f > bound %.3f", sum,
                         max > 1 ? 1.0 : bound);
                return false;
        }
        return true;
}
