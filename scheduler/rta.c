/* Response-time analysis for a fixed-priority task (Joseph & Pandya; Audsley et al.), with
 * release jitter for interferers whose jobs may run late in their windows (DEADLINE
 * reservations and the fair server: jitter D - C):
 *   R = C + sum_hp ceil(R/Tj) Cj + sum_dl ceil((R + Dj - Cj)/Tj) Cj,
 * where the CPU supplies `supply_ppb` per nanosecond. Iterated from R = C to a fixed point. */
#include "scheduler/internal.h"

uint64_t sched_rta(uint64_t c, uint64_t d, const uint64_t *hc, const uint64_t *hp, size_t nh,
                   const uint64_t *jc, const uint64_t *jd, const uint64_t *jp, size_t nj,
                   uint64_t supply)
{
        uint64_t r = sched_scale_up(c, supply);
        while (r <= d) {
                unsigned __int128 w = c;
                for (size_t i = 0; i < nh; i++)
                        w += (unsigned __int128)((r + hp[i] - 1) / hp[i]) * hc[i];
                for (size_t i = 0; i < nj; i++) {
                        uint64_t win = r + (jd[i] - jc[i]);
                        w += (unsigned __int128)((win + jp[i] - 1) / jp[i]) * jc[i];
                }
                uint64_t next = sched_scale_up(w, supply);
                if (next == r)
                        return r;
                r = next;
        }
        return r;
}
