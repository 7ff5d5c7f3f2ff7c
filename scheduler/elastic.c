/* Buttazzo's elastic task model (Buttazzo, Lipari, Abeni, "Elastic task model for adaptive
 * rate control", RTSS 1998), applied to runtimes at fixed periods: a total utilisation
 * reduction R is shared among the tasks in proportion to their weights,
 *   U_i = U_i0 - R_left * w_i / sum(w of the tasks not clamped),
 * a task that would fall below its minimum is clamped there and the rest is re-shared among the
 * others, until no new task clamps. Always computed from the requested runtimes. */
#include "scheduler/internal.h"

#include <stdlib.h>

static uint64_t floor_us(long double ns)
{
        if (ns <= 0)
                return 0;
        return (uint64_t)(ns / SCHED_US) * SCHED_US;
}

void sched_elastic(const uint64_t *r, const uint64_t *mn, const uint64_t *p, const double *w,
                   size_t n, uint64_t reduction, uint64_t *out)
{
        bool *clamped = calloc(n ? n : 1, sizeof(bool));
        long double left = (long double)reduction / SCHED_PPB;
        bool again = clamped != NULL;
        long double share = 0;
        while (again) {
                again = false;
                long double weights = 0, removed = 0;
                for (size_t i = 0; i < n; i++) {
                        if (clamped[i])
                                removed += (long double)(r[i] - mn[i]) / p[i];
                        else
                                weights += w[i];
                }
                share = weights > 0 ? (left - removed) / weights : 0;
                for (size_t i = 0; i < n; i++) {
                        if (clamped[i])
                                continue;
                        long double u = (long double)r[i] / p[i] - share * w[i];
                        if (u * p[i] <= (long double)mn[i]) {
                                clamped[i] = true;
                                again = true;
                        }
                }
        }
        for (size_t i = 0; i < n; i++) {
                if (clamped == NULL || clamped[i]) {
                        out[i] = mn[i];
                        continue;
                }
                long double cut = share * w[i];
                if (cut <= 0) {
                        out[i] = r[i];
                        continue;
                }
                uint64_t v = floor_us(((long double)r[i] / p[i] - cut) * p[i]);
                out[i] = v < mn[i] ? mn[i] : v > r[i] ? r[i] : v;
        }
        free(clamped);
}
