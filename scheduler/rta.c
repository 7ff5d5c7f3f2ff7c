/* Response-time analysis for a fixed-priority task (Joseph & Pandya; Audsley et al.), with
 * release jitter for interferers whose jobs may run late in their windows (DEADLINE
 * reservations and the fair server: jitter D - C):
 *   R = C + sum_hp ceil(R/Tj) Cj + sum_dl ceil((R + Dj - Cj)/Tj) Cj,
 * where the CPU supplies `supply_ppb` per nanosecond. Iterated from R = C to a fixed point.
 *
 * The iteration is pseudo-polynomial: it climbs by about one interfering job per step, so
 * interference that uses the whole supply never converges and climbs to a deadline of 2^62 ns
 * in steps of C (found by tests/fuzz/fuzz_admission: hours inside one admission). Interference
 * at or above the supply has no bounded response time, which is answered at once; past
 * SCHED_RTA_MAX_STEPS steps the analysis gives up and says so (UINT64_MAX), which takes busy
 * windows of more than 100000 jobs, far outside what the kernel's DEADLINE periods allow. */
#include "scheduler/internal.h"

/* Whether the interferers' utilisation reaches the supply (both in ppb). */
static bool saturated(const uint64_t *hc, const uint64_t *hp, size_t nh, const uint64_t *jc,
                      const uint64_t *jp, size_t nj, uint64_t supply)
{
        unsigned __int128 u = 0;
        for (size_t i = 0; i < nh; i++)
                u += (unsigned __int128)hc[i] * SCHED_PPB / hp[i];
        for (size_t i = 0; i < nj; i++)
                u += (unsigned __int128)jc[i] * SCHED_PPB / jp[i];
        return u >= supply;
}

uint64_t sched_rta(uint64_t c, uint64_t d, const uint64_t *hc, const uint64_t *hp, size_t nh,
                   const uint64_t *jc, const uint64_t *jd, const uint64_t *jp, size_t nj,
                   uint64_t supply)
{
        if (saturated(hc, hp, nh, jc, jp, nj, supply))
                return UINT64_MAX;
        uint64_t r = sched_scale_up(c, supply);
        for (unsigned steps = 0; r <= d; steps++) {
                if (steps == SCHED_RTA_MAX_STEPS)
                        return UINT64_MAX;
                unsigned __int128 w = c;
                /* in 128 bits: times reach 2^63, so r + jitter + period - 1 passes 2^64
                 * (it wrapped, found by tests/fuzz/fuzz_admission) */
                for (size_t i = 0; i < nh; i++)
                        w += ((unsigned __int128)r + hp[i] - 1) / hp[i] * hc[i];
                for (size_t i = 0; i < nj; i++) {
                        unsigned __int128 win = (unsigned __int128)r + (jd[i] - jc[i]);
                        w += (win + jp[i] - 1) / jp[i] * jc[i];
                }
                uint64_t next = sched_scale_up(w, supply);
                if (next == r)
                        return r;
                r = next;
        }
        return r;
}
