/* The schedulability tests of scheduler/ against hand-computed textbook cases, and QPA against
 * a brute-force processor-demand check on random sets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scheduler/scheduler.h"

#define MS UINT64_C(1000000)
#define FULL UINT64_C(1000000000) /* capacity 1 in ppb */

/* U = 0.4 passes any utilisation bound, but both jobs are due at t = 3 ms: h(3) = 4 > 3. */
static void qpa_fails_where_utilisation_passes(void **state)
{
        (void)state;
        uint64_t c[] = {2 * MS, 2 * MS}, d[] = {3 * MS, 3 * MS}, p[] = {10 * MS, 10 * MS};
        char why[256] = "";
        assert_false(sched_edf_qpa(c, d, p, 2, FULL, why, sizeof(why)));
        assert_string_equal(why, "QPA: demand 4 ms > 3 ms at t=3 ms");
}

/* Density 2/3 + 3/7 = 1.095 > 1 (the sufficient test fails) yet demand never exceeds supply:
 * h(3)=2, h(7)=5, h(11)=7, h(19)=12, ... (hyperperiod 24): QPA passes. */
static void qpa_passes_where_density_fails(void **state)
{
        (void)state;
        uint64_t c[] = {2 * MS, 3 * MS}, d[] = {3 * MS, 7 * MS}, p[] = {8 * MS, 12 * MS};
        char why[256] = "";
        assert_true(sched_edf_qpa(c, d, p, 2, FULL, why, sizeof(why)));
}

/* At capacity 0.9 the same CPU supplies 2.7 ms by t = 3 ms: 2 + 0.8 = 2.8 does not fit. */
static void qpa_scales_by_capacity(void **state)
{
        (void)state;
        uint64_t c[] = {2 * MS, 800000}, d[] = {3 * MS, 3 * MS}, p[] = {10 * MS, 10 * MS};
        char why[256] = "";
        assert_true(sched_edf_qpa(c, d, p, 2, FULL, why, sizeof(why)));
        assert_false(sched_edf_qpa(c, d, p, 2, 900000000, why, sizeof(why)));
        assert_string_equal(why, "QPA: demand 2.8 ms > 2.7 ms at t=3 ms");
}

/* U = 0.95 > c = 0.9: rejected by the U <= 1 precondition before any demand point. */
static void qpa_utilisation_precondition(void **state)
{
        (void)state;
        uint64_t c[] = {9500000}, d[] = {10 * MS}, p[] = {10 * MS};
        char why[256] = "";
        assert_false(sched_edf_qpa(c, d, p, 1, 900000000, why, sizeof(why)));
        assert_string_equal(why, "EDF: utilisation 0.950 > capacity 0.900");
        /* exactly full (U = 1, implicit deadlines) is schedulable under EDF */
        uint64_t c2[] = {5 * MS, 5 * MS}, d2[] = {10 * MS, 20 * MS}, p2[] = {10 * MS, 20 * MS};
        c2[1] = 10 * MS;
        assert_true(sched_edf_qpa(c2, d2, p2, 2, FULL, why, sizeof(why)));
}

/* Dhall's effect: two light tasks (density 0.1) and one heavy (0.95) on 2 CPUs. Total 1.15 is
 * far below 2, but GFB's bound is 2 - 1 * 0.95 = 1.05. Without the heavy one it passes. */
static void gfb_dhall_effect(void **state)
{
        (void)state;
        uint64_t c[] = {1 * MS, 1 * MS, 9500000}, d[] = {10 * MS, 10 * MS, 10 * MS},
                 p[] = {10 * MS, 10 * MS, 10 * MS};
        char why[256] = "";
        assert_false(sched_gfb(c, d, p, 3, 2, 1.0, why, sizeof(why)));
        assert_string_equal(why, "GFB: density 1.150 > bound 1.050");
        c[2] = 5 * MS; /* 0.1 + 0.1 + 0.5 = 0.7 <= 2 - 0.5 */
        assert_true(sched_gfb(c, d, p, 3, 2, 1.0, why, sizeof(why)));
        /* densities use min(D, T): D = 5 doubles the heavy task's density to 1.0 */
        d[2] = 5 * MS;
        assert_false(sched_gfb(c, d, p, 3, 2, 1.0, why, sizeof(why)));
}

/* Classic fixed point: tau3 (C=3, T=D=13) under (1,4) and (2,6):
 * R = 3 -> 3+1+2 = 6 -> 3+2+2 = 7 -> 3+2+4 = 9 -> 3+3+4 = 10 -> 10. */
static void rta_fixed_point(void **state)
{
        (void)state;
        uint64_t hc[] = {1, 2}, hp[] = {4, 6};
        assert_int_equal(sched_rta(3, 13, hc, hp, 2, NULL, NULL, NULL, 0, FULL), 10);
        /* deadline 9 < 10: the iteration stops at the first value above it */
        assert_true(sched_rta(3, 9, hc, hp, 2, NULL, NULL, NULL, 0, FULL) > 9);
}

/* Jitter: one interferer (C=1, D=T=4) with jitter 3 hits twice within R = 5:
 * R = 3 -> 3 + ceil((3+3)/4)*1 = 5 -> 3 + ceil(8/4) = 5. Without jitter R = 4. */
static void rta_jitter(void **state)
{
        (void)state;
        uint64_t jc[] = {1}, jd[] = {4}, jp[] = {4};
        assert_int_equal(sched_rta(3, 13, NULL, NULL, 0, jc, jd, jp, 1, FULL), 5);
        assert_int_equal(sched_rta(3, 13, jc, jp, 1, NULL, NULL, NULL, 0, FULL), 4);
        /* half the supply doubles each step's need: R = ceil((3 + 2) / 0.5) = 10 -> 3+3 = 6 ->
         * 12 -> 3 + ceil(15/4) = 7 -> 14 -> 3 + ceil(17/4) = 8 -> 16 -> 3 + 5 = 8 -> 16 */
        assert_int_equal(sched_rta(3, 20, NULL, NULL, 0, jc, jd, jp, 1, FULL / 2), 16);
}

/* Found by tests/fuzz/fuzz_admission: a FIFO task with a deadline near 2^63 ns under a
 * DEADLINE interferer that takes the whole CPU (100 us every 100 us) climbed towards the
 * deadline in steps of C, about 10^12 of them, inside one admission. Interference at the
 * supply is answered at once; a busy window of more jobs than the analysis iterates gives up.
 * Both return UINT64_MAX (no bounded response time). */
static void rta_bounded_time(void **state)
{
        (void)state;
        uint64_t jc[] = {100000}, jd[] = {100000}, jp[] = {100000};
        uint64_t d = UINT64_C(9223231291352507232);
        assert_true(sched_rta(4196000, d, NULL, NULL, 0, jc, jd, jp, 1, FULL) == UINT64_MAX);
        /* just below the supply (1 - 10^-6) the iterates close in by a factor 1 - 10^-6 per step:
         * millions of steps to R = 2^30 * 10^6 ns; the analysis gives up instead */
        uint64_t hc[] = {999999}, hp[] = {1000000};
        assert_true(sched_rta(UINT64_C(1) << 30, d, hc, hp, 1, NULL, NULL, NULL, 0, FULL) ==
                    UINT64_MAX);
        /* a window of a few thousand jobs is still exact: C = 1 ms under (1 us, 2 us) */
        uint64_t hc2[] = {1000}, hp2[] = {2000};
        assert_int_equal(sched_rta(1000000, d, hc2, hp2, 1, NULL, NULL, NULL, 0, FULL), 2000000);
}

/* Found by tests/fuzz/fuzz_admission: with times near 2^63 the jittered window r + (D - C)
 * plus T - 1 passed 2^64 and wrapped, so the iteration wandered (and could have settled on a
 * wrong response time). Reference value from the recurrence in exact integers. */
static void rta_large_times_do_not_wrap(void **state)
{
        (void)state;
        uint64_t jc[] = {UINT64_C(2167796262239149000)};
        uint64_t jd[] = {UINT64_C(8644650654150164478)};
        uint64_t jp[] = {UINT64_C(9151031864008834814)};
        assert_true(sched_rta(1044548000, UINT64_C(9150751492863426560), NULL, NULL, 0, jc, jd, jp,
                              1, FULL / 2) == UINT64_C(8671185051045692000));
}

/* Buttazzo's rule with clamping twice. U0 = .4, .3, .2 (T = 10 ms), minimums .1, .25, .1,
 * reduction .3: equal shares of .1 put tau2 at .2 < .25 -> clamp (.05 taken); .25 left over two
 * gives .125 each: tau3 at .075 < .1 -> clamp (.1 taken); .15 left for tau1: .25. */
static void elastic_clamps_and_reshares(void **state)
{
        (void)state;
        uint64_t r[] = {4 * MS, 3 * MS, 2 * MS}, mn[] = {1 * MS, 2500000, 1 * MS},
                 p[] = {10 * MS, 10 * MS, 10 * MS}, out[3];
        double w[] = {1, 1, 1};
        sched_elastic(r, mn, p, w, 3, 300000000, out);
        assert_int_equal(out[0], 2500000);
        assert_int_equal(out[1], 2500000);
        assert_int_equal(out[2], 1 * MS);
        /* weights 1:3 share .2 as .05 and .15 */
        uint64_t r2[] = {4 * MS, 4 * MS}, mn2[] = {1000, 1000}, p2[] = {10 * MS, 10 * MS};
        double w2[] = {1, 3};
        sched_elastic(r2, mn2, p2, w2, 2, 200000000, out);
        assert_int_equal(out[0], 3500000);
        assert_int_equal(out[1], 2500000);
        /* no reduction keeps the requested runtimes exactly, even off the microsecond grid */
        uint64_t r3[] = {1234567};
        sched_elastic(r3, mn2, p2, w2, 1, 0, out);
        assert_int_equal(out[0], 1234567);
        /* a tiny reduction floors to whole microseconds: 1234567 - 10 -> 1234 us */
        sched_elastic(r3, mn2, p2, w2, 1, 1, out);
        assert_int_equal(out[0], 1234000);
}

static uint64_t lcm(uint64_t a, uint64_t b)
{
        uint64_t x = a, y = b;
        while (y) {
                uint64_t t = x % y;
                x = y;
                y = t;
        }
        return a / x * b;
}

/* Every integer t up to 2H + Dmax: exact for synchronous periodic sets with U <= 1. */
static bool brute_force(const uint64_t *c, const uint64_t *d, const uint64_t *p, size_t n,
                        uint64_t cap)
{
        uint64_t h = 1, dmax = 0;
        for (size_t i = 0; i < n; i++) {
                h = lcm(h, p[i]);
                dmax = d[i] > dmax ? d[i] : dmax;
        }
        for (uint64_t t = 1; t <= 2 * h + dmax; t++) {
                unsigned __int128 dem = 0;
                for (size_t i = 0; i < n; i++)
                        if (t >= d[i])
                                dem += (unsigned __int128)((t - d[i]) / p[i] + 1) * c[i];
                if (dem * FULL > (unsigned __int128)cap * t)
                        return false;
        }
        return true;
}

static void qpa_matches_brute_force(void **state)
{
        (void)state;
        static const uint64_t periods[] = {4, 5, 6, 8, 10, 12, 15, 20, 24, 30, 40, 60};
        static const uint64_t caps[] = {FULL, 950000000, 900000000};
        unsigned seed = 20261126;
        int feasible = 0, infeasible = 0;
        for (int k = 0; k < 400; k++) {
                size_t n = 2 + rand_r(&seed) % 4;
                uint64_t c[5], d[5], p[5];
                long double u = 0;
                for (size_t i = 0; i < n; i++) {
                        p[i] = periods[rand_r(&seed) % 12];
                        c[i] = 1 + rand_r(&seed) % (p[i] / 2);
                        d[i] = c[i] + rand_r(&seed) % (p[i] - c[i] + 1);
                        u += (long double)c[i] / p[i];
                }
                uint64_t cap = caps[rand_r(&seed) % 3];
                char why[256];
                bool q = sched_edf_qpa(c, d, p, n, cap, why, sizeof(why));
                if (u * FULL > cap) {
                        assert_false(q);
                        continue;
                }
                bool b = brute_force(c, d, p, n, cap);
                if (q != b)
                        fail_msg("set %d: QPA %d, brute force %d", k, q, b);
                feasible += b;
                infeasible += !b;
        }
        /* the generator must exercise both outcomes */
        assert_true(feasible > 20);
        assert_true(infeasible > 20);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(qpa_fails_where_utilisation_passes),
            cmocka_unit_test(qpa_passes_where_density_fails),
            cmocka_unit_test(qpa_scales_by_capacity),
            cmocka_unit_test(qpa_utilisation_precondition),
            cmocka_unit_test(gfb_dhall_effect),
            cmocka_unit_test(rta_fixed_point),
            cmocka_unit_test(rta_jitter),
            cmocka_unit_test(rta_bounded_time),
            cmocka_unit_test(rta_large_times_do_not_wrap),
            cmocka_unit_test(elastic_clamps_and_reshares),
            cmocka_unit_test(qpa_matches_brute_force),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
